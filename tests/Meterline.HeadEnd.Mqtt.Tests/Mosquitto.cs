using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Mosquitto;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>A private mosquitto on a free loopback port, configured by <see cref="MosquittoConfig"/> in a temp directory; stopped when disposed.</summary>
internal sealed class Mosquitto : IAsyncDisposable
{
    public const string HeadEndUser = "meterline-hes";

    private readonly string _directory;
    private readonly Queue<string> _log = new();
    private Process _process;
    private bool _stopped;

    private Mosquitto(string directory, int port, string headEndPassword)
    {
        _directory = directory;
        Endpoint = new IPEndPoint(IPAddress.Loopback, port);
        HeadEndPassword = headEndPassword;
        _process = Launch(directory);
    }

    public IPEndPoint Endpoint { get; }

    public string HeadEndPassword { get; }

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    /// <param name="gateways">Gateway accounts (user, password, meters), granted only their meters' topics.</param>
    public static async Task<Mosquitto> StartAsync(IEnumerable<(MeterSystemTitle Meter, string Password)> meters, IEnumerable<(string User, string Password, IReadOnlyCollection<MeterSystemTitle> Meters)>? gateways = null)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-mosquitto-").FullName;
        var port = FreePort();
        var headEndPassword = Credentials.MqttPassword.Generate();
        MosquittoConfig.Write(directory, meters, [(HeadEndUser, headEndPassword)], gateways ?? [], MosquittoConfig.Conf(directory, port, "127.0.0.1", user: Environment.UserName));
        var broker = new Mosquitto(directory, port, headEndPassword);
        try
        {
            await broker.UntilListeningAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    /// <summary>
    /// Stops mosquitto as an operator's restart does (SIGTERM: it writes its persistence file and exits) and starts it
    /// again on the same port and files, <paramref name="down"/> later.
    /// </summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await StopAsync();
        await Task.Delay(down);
        await StartAgainAsync();
    }

    /// <summary>Stops mosquitto as an operator does (SIGTERM: it writes its persistence file and exits).</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
        }

        await _process.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
        Assert.Equal(0, _process.ExitCode);
        _process.Dispose();
        _stopped = true;
    }

    /// <summary>Starts mosquitto again after <see cref="StopAsync"/>, on the same port and files.</summary>
    public async Task StartAgainAsync()
    {
        _process = Launch(_directory);
        _stopped = false;
        await UntilListeningAsync();
    }

    /// <summary>Starts mosquitto, draining its log (a full pipe would stall it) and keeping the last lines for failure messages.</summary>
    private Process Launch(string directory)
    {
        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", Path.Combine(directory, MosquittoConfig.ConfigFileName)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private void Log(string? line)
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

    private string LastLog()
    {
        lock (_log)
        {
            return string.Join(Environment.NewLine, _log);
        }
    }

    private async Task UntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + MqttHeadEnd.Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
                Assert.Fail($"mosquitto exited: {LastLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Endpoint);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("mosquitto did not listen in time");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
            }

            _process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
