using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Meterline.Cli.Tests.Sim;

/// <summary>`meterline sim` run in process, and `meterline dlms` reading its meters over loopback TCP.</summary>
public sealed class SimCommandTests : IDisposable
{
    private static readonly string Profile = Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json");
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-sim-cli-").FullName;

    private string Provisioning => Path.Combine(_directory, "fleet.json");

    private string[] Sim(int port, params string[] more) =>
    [
        "sim", "--meters", "3", "--speed", "1000", "--start", "2026-01-01T00:00:00Z", "--profile", Profile,
        "--provisioning", Provisioning, "--state-dir", Path.Combine(_directory, "state"),
        "--port", port.ToString(CultureInfo.InvariantCulture), "--status-interval", "0.5", .. more,
    ];

    [Fact]
    public async Task Sim_ThreeMetersForSomeSeconds_DlmsReadReachesAMeterAndStateIsSaved()
    {
        var port = FreePort();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var sim = Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(Sim(port, "--duration", "3h")).InvokeAsync();

        var (code, read, readError) = await ReadUntilServedAsync(port);

        Assert.True(code == 0, readError);
        var provisioning = JsonNode.Parse(await File.ReadAllTextAsync(Provisioning))!;
        Assert.Contains("0.0.42.0.0.255 class 1 attribute 2: \"MTL00000002\"", read, StringComparison.Ordinal);
        Assert.Equal(3, provisioning["meters"]!.AsArray().Count);
        Assert.Equal(0, await sim.WaitAsync(TimeSpan.FromSeconds(60)));
        var text = output.ToString();
        Assert.Contains("meterline sim: 3 meters, speed 1000x", text, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", text, StringComparison.Ordinal);
        Assert.Contains("provisioning: " + Provisioning, text, StringComparison.Ordinal);
        Assert.Contains("state of 3 meters saved", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory, "state", "MTL00000002.state.json")));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Sim_TransformersAndThefts_WritesTheNetworkIntoTheProvisioningFileAndTheTruthApart()
    {
        var truth = Path.Combine(_directory, "truth.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var args = Sim(FreePort(), "--duration", "1h", "--transformers", "2-2", "--theft-share", "0.34", "--theft-mix", "magnet=1", "--truth", truth);
        args[Array.IndexOf(args, "--speed") + 1] = "3600";

        var code = await Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(args).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 0, output.ToString() + error.ToString());
        var meters = JsonNode.Parse(await File.ReadAllTextAsync(Provisioning))!["meters"]!.AsArray();
        Assert.Equal(5, meters.Count);
        Assert.Equal("DT-0001", meters[0]!["transformerId"]!.GetValue<string>());
        Assert.Equal("DT-0002", meters[2]!["transformerId"]!.GetValue<string>());
        Assert.Equal("DT-0001", meters[3]!["transformerMeter"]!.GetValue<string>());
        Assert.Equal("DT-0002", meters[4]!["transformerMeter"]!.GetValue<string>());
        var thefts = Simulator.Theft.TheftTruthFile.Read(truth).Thefts;
        Assert.Single(thefts);
        Assert.InRange(thefts[0].Index, 0, 2);
        Assert.DoesNotContain("magnet", await File.ReadAllTextAsync(Provisioning), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sim_TheftShareWithoutTransformers_ExitsWith1()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Program.BuildRootCommand(output, error).Parse(Sim(FreePort(), "--duration", "1h", "--theft-share", "0.1")).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Contains("--theft-share (more than 0, at most 1) needs --transformers and --duration", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sim_ReaderAssociationWithTheProvisionedPassword_ReadsTheEnergyRegisterAndTheObjectList()
    {
        var port = FreePort();
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var sim = Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(Sim(port)).InvokeAsync(null, stop.Token);
        await ReadUntilServedAsync(port);
        var password = JsonNode.Parse(await File.ReadAllTextAsync(Provisioning))!["meters"]![0]!["readerPassword"]!.GetValue<string>();

        var (code, read, readError) = await RunAsync("dlms", "read", "1.0.1.8.0.255", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--server", "16", "--client", "32", "--auth", "low", "--password", password);

        Assert.True(code == 0, readError);
        Assert.Contains("1.0.1.8.0.255 class 3 attribute 2:", read, StringComparison.Ordinal);

        // The object list, exactly as from any other meter: the reader sees the energy register and the relay.
        var (objectsCode, objects, objectsError) = await RunAsync("dlms", "objects", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--server", "16", "--client", "32", "--auth", "low", "--password", password);
        Assert.True(objectsCode == 0, objectsError);
        Assert.Contains("1.0.1.8.0.255", objects, StringComparison.Ordinal);
        Assert.Contains("0.0.96.3.10.255", objects, StringComparison.Ordinal);
        Assert.DoesNotContain("0.0.43.0.3.255", objects, StringComparison.Ordinal);
        await stop.CancelAsync();
        Assert.Equal(0, await sim.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("state of 3 meters saved", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--scenario", "earthquake:meter=1", "not a scenario kind")]
    [InlineData("--scenario", "magnet:meter=7", "meter 7 is not in the fleet")]
    [InlineData("--scenario", "sag:meter=1:factor=2", "strictly between 0 and 1")]
    [InlineData("--push", "http://x:1", "not a push transport")]
    [InlineData("--framing", "coap", "wrapper or hdlc")]
    [InlineData("--listen", "nowhere", "is not an IP address")]
    [InlineData("--duration", "forever", "not a duration")]
    [InlineData("--hes-public-key", "/nonexistent/hes.pem", "--hes-public-key:")]
    public async Task Sim_BadInput_ClearErrorAndUsageExitCode(string option, string value, string expected)
    {
        var (code, _, error) = await RunAsync(Sim(FreePort(), option, value));

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Provisioning));
    }

    [Fact]
    public async Task Sim_HesPublicKey_EveryMeterTrustsItAndTheProvisioningFileSaysSo()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var pem = Path.Combine(_directory, "hes.pem");
        await File.WriteAllTextAsync(pem, key.ExportSubjectPublicKeyInfoPem());
        var parameters = key.ExportParameters(false);
        var point = Convert.ToHexString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);

        var (code, output, error) = await RunAsync(Sim(FreePort(), "--duration", "1m", "--hes-public-key", pem));

        Assert.True(code == 0, error);
        Assert.Contains("signed commands: 3 of 3 meters trust a head-end key", output, StringComparison.Ordinal);
        var meters = JsonNode.Parse(await File.ReadAllTextAsync(Provisioning))!["meters"]!.AsArray();
        Assert.All(meters, m => Assert.Equal(point, m!["hesPublicKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Sim_PortInUse_FailsWithExitCodeTwo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();

        var (code, _, error) = await RunAsync(Sim(((IPEndPoint)taken.LocalEndpoint).Port));

        Assert.Equal(2, code);
        Assert.Contains("Cannot listen", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> ReadUntilServedAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var attempt = await RunAsync("dlms", "read", "0.0.42.0.0.255", "--class", "1", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--server", "17", "--timeout", "5");
            if (attempt.Code == 0 || DateTime.UtcNow > deadline)
            {
                return attempt;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(output, error).Parse(args).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (code, output.ToString(), error.ToString());
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
