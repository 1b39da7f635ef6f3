using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meterline.Cli.Tests.Api;

namespace Meterline.Cli.Tests.Mqtt;

/// <summary>A private mosquitto started from a configuration file on its own port; killed when disposed (installed by scripts/ensure-mosquitto.sh).</summary>
internal sealed class PrivateMosquitto : IAsyncDisposable
{
    private readonly Process _process;

    private PrivateMosquitto(Process process) => _process = process;

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts mosquitto with <paramref name="configFile"/> and waits until it accepts connections on <paramref name="port"/>.</summary>
    public static async Task<PrivateMosquitto> StartAsync(string configFile, int port)
    {
        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", configFile])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var broker = new PrivateMosquitto(process);
        var deadline = DateTime.UtcNow + CliHeadEnd.Bound;
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
            await _process.WaitForExitAsync().WaitAsync(CliHeadEnd.Bound);
        }

        _process.Dispose();
    }
}
