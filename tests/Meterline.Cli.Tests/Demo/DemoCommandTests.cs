using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.Storage;

namespace Meterline.Cli.Tests.Demo;

/// <summary><c>meterline demo</c> through the command line, in process, on a temporary data directory and free ports.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly string Profiles = Path.Combine(AppContext.BaseDirectory, "profiles");
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-demo-cli-").FullName;

    [Fact]
    public async Task Demo_TwiceOnOneDataDirectory_ReusesTheMetersAndDisconnectsAgain()
    {
        var (first, firstOutput, firstError) = await RunAsync(Demo("--seconds", "8"));
        Assert.True(first == 0, firstOutput + firstError);
        Assert.Contains("7 meters registered (7 added, 0 already there)", firstOutput, StringComparison.Ordinal);
        Assert.Contains("Confirmed: the relay of MTL00000001 reads back Disconnected", firstOutput, StringComparison.Ordinal);
        Assert.Contains("where to look:", firstOutput, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", firstOutput, StringComparison.Ordinal);
        Assert.Matches(@"login     admin / \S+ at http://127\.0\.0\.1:\d+/sign-in \(the operator app", firstOutput);
        Assert.Contains("database  " + Path.Combine(_directory, "meterline.db"), firstOutput, StringComparison.Ordinal);
        Assert.Contains("pty       /dev/pts/", firstOutput, StringComparison.Ordinal);
        Assert.Contains("3 on DLMS/TCP at", firstOutput, StringComparison.Ordinal);
        Assert.Contains("1 on MQTT: clients of the head-end's embedded broker at 127.0.0.1:", firstOutput, StringComparison.Ordinal);
        Assert.Contains("1 on CoAP: pushing to coap 127.0.0.1:", firstOutput, StringComparison.Ordinal);
        Assert.Contains("1 on Zigbee radios", firstOutput, StringComparison.Ordinal);
        var stoppedAt = DateTimeOffset.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "simulated-clock.txt")), System.Globalization.CultureInfo.InvariantCulture);

        var (second, secondOutput, secondError) = await RunAsync(Demo("--seconds", "8"));
        Assert.True(second == 0, secondOutput + secondError);
        Assert.Contains("7 meters registered (0 added, 7 already there", secondOutput, StringComparison.Ordinal);
        Assert.Contains("Confirmed: the relay of MTL00000001 reads back Disconnected", secondOutput, StringComparison.Ordinal);
        Assert.Empty(firstError + secondError);

        await using var storage = await HeadEndStorage.OpenAsync(Path.Combine(_directory, "meterline.db")).WaitAsync(Bound);
        Assert.Equal(7, await storage.Meters.CountAsync());
        var meter = (await storage.Meters.FindBySerialAsync("MTL00000001"))!;
        Assert.Equal(RelayState.Disconnected, meter.RelayState);
        // Besides the demo's disconnect of each run, the power quality loop reads the meter's frequency (Read commands).
        var commands = (await storage.Commands.GetForMeterAsync(meter.Id, 50)).Where(c => c.Kind != CommandKind.Read).ToList();
        Assert.Equal(2, commands.Count);
        Assert.All(commands, c => Assert.Equal((CommandKind.Disconnect, CommandState.Confirmed, "demo"), (c.Kind, c.State, c.RequestedBy)));

        // The second run went on from where the first stopped: its magnet alarm is a new event, later in simulated time.
        var magnets = (await storage.Readings.GetEventsAsync(meter.Id, stoppedAt.AddDays(-7), stoppedAt.AddDays(7), 100)).Where(e => e.Code == 201).ToList();
        Assert.Equal(2, magnets.Count);
        Assert.Single(magnets, e => e.OccurredAt > stoppedAt);
        Assert.True(await storage.Readings.CountReadingsAsync() > 0);
    }

    [Fact]
    public async Task Demo_ListenAddressTaken_FailsCleanlyWithExitCode2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output, error) = await RunAsync(Demo("--seconds", "5", "--listen", $"http://127.0.0.1:{port}"));

        Assert.Equal(2, code);
        Assert.Contains("cannot serve the web API on http://127.0.0.1:" + port, error, StringComparison.Ordinal);
        Assert.DoesNotContain("where to look", output, StringComparison.Ordinal);

        // Everything was closed: the directory's database opens again, with the meters imported before the failure.
        await using var storage = await HeadEndStorage.OpenAsync(Path.Combine(_directory, "meterline.db")).WaitAsync(Bound);
        Assert.Equal(7, await storage.Meters.CountAsync());
    }

    [Theory]
    [InlineData("--meters", "0", "--meters is 1 to")]
    [InlineData("--zigbee-meters", "6", "--zigbee-meters is 0 to one less than --meters")]
    [InlineData("--mqtt-meters", "6", "--mqtt-meters is 0 to one less than --meters")]
    [InlineData("--coap-meters", "-1", "--coap-meters is 0 to one less than --meters")]
    [InlineData("--coap-meters", "4", "together are at most one less than --meters")]
    [InlineData("--speed", "0.5", "--speed is 1 to 100000")]
    [InlineData("--listen", "ftp://127.0.0.1:21", "not an http(s) URL")]
    [InlineData("--seconds", "0", "--seconds is more than 0")]
    [InlineData("--tamper-after", "-1", "--tamper-after is 0 to 3600 seconds")]
    public async Task Demo_BadOption_ExitsWithUsageAndCreatesNothing(string option, string value, string message)
    {
        var data = Path.Combine(_directory, "never");

        var (code, _, error) = await RunAsync(Demo("--data", data, option, value));

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The demo on the test's directory with six meters (three on DLMS/TCP, then one each on MQTT, CoAP and Zigbee: a fifth by default) at 300x; pairs in <paramref name="overrides"/> replace or add options.</summary>
    private string[] Demo(params string[] overrides)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--data"] = _directory, ["--meters"] = "6", ["--zigbee-meters"] = "1", ["--speed"] = "300", ["--tamper-after"] = "2",
            ["--listen"] = "http://127.0.0.1:0", ["--profiles"] = Profiles, ["--status-interval"] = "1",
        };
        for (var i = 0; i + 1 < overrides.Length; i += 2)
        {
            options[overrides[i]] = overrides[i + 1];
        }

        return ["demo", .. options.SelectMany(o => new[] { o.Key, o.Value })];
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(args).InvokeAsync().WaitAsync(Bound);
        return (code, output.ToString(), error.ToString());
    }
}
