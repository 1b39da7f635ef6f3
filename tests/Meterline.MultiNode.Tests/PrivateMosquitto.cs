using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meterline.CrashSafety.Tests;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Mosquitto;

namespace Meterline.MultiNode.Tests;

/// <summary>
/// A private mosquitto on a free loopback port with the files <see cref="MosquittoConfig"/> generates (meters'
/// passwords, the head-end nodes' account, the ACL, persistence) in a temp directory; killed and deleted when disposed.
/// </summary>
internal sealed class PrivateMosquitto : IAsyncDisposable
{
    public const string NodeUser = "meterline-hes";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory;
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private PrivateMosquitto(string directory, int port, string nodePassword)
    {
        _directory = directory;
        Port = port;
        NodePassword = nodePassword;
        _process = Process.Start(new ProcessStartInfo(File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", ["-c", Path.Combine(directory, MosquittoConfig.ConfigFileName)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start (scripts/ensure-mosquitto.sh installs it)");
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Port { get; }

    /// <summary>The nodes' password at the broker.</summary>
    public string NodePassword { get; }

    public static async Task<PrivateMosquitto> StartAsync(IEnumerable<(MeterSystemTitle Meter, string Password)> meters)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-multinode-mosquitto-").FullName;
        var port = FreePort.Next();
        var nodePassword = MqttPassword.Generate();
        MosquittoConfig.Write(directory, meters, [(NodeUser, nodePassword)], MosquittoConfig.Conf(directory, port, "127.0.0.1", user: Environment.UserName));
        var broker = new PrivateMosquitto(directory, port, nodePassword);
        try
        {
            await broker.UntilListeningAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(Bound);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task UntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited: {Log()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"mosquitto did not listen within {Bound.TotalSeconds} s: {Log()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 20)
            {
                _log.Dequeue();
            }
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return string.Join(Environment.NewLine, _log);
        }
    }
}
