using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Mosquitto;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// A private mosquitto for one run: password, ACL and configuration files written by the product's
/// <see cref="MosquittoConfig"/> (the fleet's meters and one head-end user) into a temporary directory, listening on a
/// free loopback port, with room to queue every message of the run for the head-end (<c>max_queued_messages</c>; at
/// the product's default of 1,000 mosquitto would drop what the node has not yet taken); killed when disposed. Its log is
/// drained (a full pipe would stall mosquitto) and its last lines kept for errors. Reports the CPU time mosquitto used
/// (from <c>/proc</c>).
/// </summary>
internal sealed class PrivateMosquitto : IAsyncDisposable
{
    public const string HeadEndUser = "meterline-hes";

    private const int LogLines = 20;

    private readonly Process _process;
    private readonly string _directory;
    private readonly Queue<string> _log = new();

    private PrivateMosquitto(Process process, string directory, IPEndPoint endpoint, string headEndPassword)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
        HeadEndPassword = headEndPassword;
    }

    public IPEndPoint Endpoint { get; }

    public string HeadEndPassword { get; }

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    /// <summary>mosquitto's last log lines.</summary>
    public string LastLog
    {
        get
        {
            lock (_log)
            {
                return string.Join(Environment.NewLine, _log);
            }
        }
    }

    public static async Task<PrivateMosquitto> StartAsync(IReadOnlyList<ProvisionedMeter> meters, int messages, CancellationToken cancellationToken, (string User, string Password)? gateway = null)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-bench-mosquitto-").FullName;
        var port = FreePort();
        var headEndPassword = MqttPassword.Generate();
        IReadOnlyCollection<MeterSystemTitle> titles = [.. meters.Select(m => new MeterSystemTitle(m.SystemTitle.Value))];
        MosquittoConfig.Write(directory, meters.Select(m => (new MeterSystemTitle(m.SystemTitle.Value), m.MqttPassword!)), [(HeadEndUser, headEndPassword)],
            gateway is { } g ? [(g.User, g.Password, titles)] : [],
            MosquittoConfig.Conf(directory, port, "127.0.0.1", user: Environment.UserName, maxQueuedMessages: Math.Max(1_000, messages + 1_000)));
        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", Path.Combine(directory, MosquittoConfig.ConfigFileName)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        var broker = new PrivateMosquitto(process, directory, new IPEndPoint(IPAddress.Loopback, port), headEndPassword);
        process.ErrorDataReceived += (_, e) => broker.Log(e.Data);
        process.OutputDataReceived += (_, e) => broker.Log(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken);
                var error = broker.LastLog;
                await broker.DisposeAsync();
                throw new InvalidOperationException("mosquitto exited: " + error);
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        await broker.DisposeAsync();
        throw new TimeoutException("mosquitto did not listen in time");
    }

    /// <summary>mosquitto's CPU time so far (user + system), from <c>/proc/{pid}/stat</c>; zero where that cannot be read.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
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
            while (_log.Count > LogLines)
            {
                _log.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
