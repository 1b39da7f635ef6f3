using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Meterline.Cli.Tests.Sim;

/// <summary><c>meterline sim attack</c>: runs the attack through the transport of the target's scheme and prints the attacker's report.</summary>
public sealed class SimAttackCommandTests
{
    [Fact]
    public async Task SimAttack_GarbageAgainstAListeningPort_SendsForTheDurationAndPrintsTheReport()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = ReceiveAsync(listener);

        var (code, output, error) = await RunAsync("sim", "attack", "--target", $"tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--kind", "garbage", "--rate", "200", "--duration", "1s");

        Assert.True(code == 0, error);
        Assert.Contains("connections opened", output, StringComparison.Ordinal);
        var framesSent = ReportedCount(output, "frames sent");
        var seconds = double.Parse(Regex.Match(output, @"in (\d+\.\d) s").Groups[1].Value, CultureInfo.InvariantCulture);
        listener.Stop();
        var bytes = await received.WaitAsync(TimeSpan.FromSeconds(10));

        // The report is what reached the target (the rate itself is AttackPacerTests' subject: on a loaded machine
        // the connect and the JIT may take much of the one second, so the count here is not pinned).
        Assert.InRange(seconds, 1.0, 30.0);
        Assert.InRange(framesSent, 1, 200 * (seconds + 0.1));
        Assert.True(bytes >= framesSent * 256, $"the report says {framesSent} frames of 256 bytes but the target received {bytes} bytes");
    }

    private static long ReportedCount(string output, string what)
    {
        var match = Regex.Match(output, Regex.Escape(what) + @"\W+([\d,]+)");
        Assert.True(match.Success, $"no '{what}' row in the report:\n{output}");
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("--kind", "nonsense", "--kind")]
    [InlineData("--target", "gopher://127.0.0.1:70", "no attack transport")]
    [InlineData("--target", "udp://127.0.0.1:4059", "no IdleConnections attack")]
    [InlineData("--meter", "MTL00000001", "--meter needs --fleet")]
    [InlineData("--source-addresses", "127.0.0.9-127.0.0.2", "--source-addresses")]
    public async Task SimAttack_BadOption_IsAUsageError(string option, string value, string message)
    {
        string[] args = ["sim", "attack", "--target", "tcp://127.0.0.1:1", "--kind", "idle", "--duration", "1s"];
        var index = Array.IndexOf(args, option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args = [.. args, option, value];
        }

        var (code, _, error) = await RunAsync(args);

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static async Task<long> ReceiveAsync(TcpListener listener)
    {
        long total = 0;
        try
        {
            using var client = await listener.AcceptTcpClientAsync();
            var buffer = new byte[4096];
            int read;
            while ((read = await client.GetStream().ReadAsync(buffer)) > 0)
            {
                total += read;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
        }

        return total;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(output, error).Parse(args).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (code, output.ToString(), error.ToString());
    }
}
