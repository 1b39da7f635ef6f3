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

    private readonly Process _process;
    private readonly string _directory;

    private Mosquitto(Process process, string directory, int port, string headEndPassword)
    {
        _process = process;
        _directory = directory;
        Endpoint = new IPEndPoint(IPAddress.Loopback, port);
        HeadEndPassword = headEndPassword;
    }

    public IPEndPoint Endpoint { get; }

    public string HeadEndPassword { get; }

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    public static async Task<Mosquitto> StartAsync(IEnumerable<(MeterSystemTitle Meter, string Password)> meters)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-mosquitto-").FullName;
        var port = FreePort();
        var headEndPassword = Credentials.MqttPassword.Generate();
        MosquittoConfig.Write(directory, meters, [(HeadEndUser, headEndPassword)], MosquittoConfig.Conf(directory, port, "127.0.0.1", user: Environment.UserName));
        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", Path.Combine(directory, MosquittoConfig.ConfigFileName)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var broker = new Mosquitto(process, directory, port, headEndPassword);
        var deadline = DateTime.UtcNow + MqttHeadEnd.Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync();
                await broker.DisposeAsync();
                Assert.Fail($"mosquitto exited: {error}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await broker.DisposeAsync();
        throw new TimeoutException("mosquitto did not listen in time");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(MqttHeadEnd.Bound);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
