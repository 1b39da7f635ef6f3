using System.Security.Cryptography;

namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline meters` in process against a running head-end.</summary>
public sealed class CliMetersTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>
{
    [Fact]
    public async Task MetersAdd_ThenListAndShow_PrintTheMeterAndNoKey()
    {
        var (code, output, error) = await Cli.RunAsync("meters", "add", "CLI0001", "--system-title", "4D544C00C0000001", "--endpoint", "dlms+tcp://10.1.2.3:4059?wport=1",
            "--transformer", "TR-CLI", "--latitude", "12.9", "--longitude", "77.6", "--server", headEnd.Server, "--token", headEnd.Token, "--actor", "installer-1");

        Assert.True(code == 0, error);
        Assert.Contains("meter CLI0001 added", output, StringComparison.Ordinal);
        Assert.Contains("TR-CLI", output, StringComparison.Ordinal);
        var meter = (await headEnd.Node.Meters.FindBySerialAsync("CLI0001"))!;
        using (var secrets = await headEnd.Node.Keyring.GetSecretsAsync(meter.Id, 1))
        {
            Assert.DoesNotContain(Convert.ToHexString(secrets!.Encryption), output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexString(secrets.Master), output, StringComparison.OrdinalIgnoreCase);
        }

        var list = await Cli.RunAsync("meters", "list", "--transformer", "TR-CLI", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, list.Code);
        Assert.Contains("CLI0001", list.Output, StringComparison.Ordinal);
        Assert.Contains("4D544C00C0000001", list.Output, StringComparison.Ordinal);
        Assert.Contains("1 meter", list.Output, StringComparison.Ordinal);

        var show = await Cli.RunAsync("meters", "show", "CLI0001", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, show.Code);
        Assert.Contains("dlms+tcp://10.1.2.3:4059?wport=1", show.Output, StringComparison.Ordinal);
        Assert.Contains("Active", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersAdd_SerialTaken_Exit3WithTheProblem()
    {
        await Cli.RunAsync("meters", "add", "CLI0002", "--system-title", "4D544C00C0000002", "--server", headEnd.Server, "--token", headEnd.Token);

        var (code, _, error) = await Cli.RunAsync("meters", "add", "CLI0002", "--system-title", "4D544C00C0000003", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(3, code);
        Assert.Contains("Meter refused", error, StringComparison.Ordinal);
        Assert.Contains("urn:meterline:problem:meter-refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersAdd_BadSystemTitle_Exit3NamingTheField()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "add", "CLI0009", "--system-title", "XYZ", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(3, code);
        Assert.Contains("systemTitle is 16 hex digits", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersShow_Unknown_Exit3()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "show", "NO-SUCH", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(3, code);
        Assert.Contains("Unknown meter", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersImport_FleetFileInBatches_ShowsProgressAndAddsEveryMeterThenSkipsThem()
    {
        var (code, output, error) = await Cli.RunAsync("meters", "import", headEnd.ProvisioningPath, "--batch", "2", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.True(code == 0, error);
        Assert.Contains("imported 2/5 meters", output, StringComparison.Ordinal);
        Assert.Contains("imported 4/5 meters", output, StringComparison.Ordinal);
        Assert.Contains("imported 5/5 meters", output, StringComparison.Ordinal);
        Assert.Contains("5 meters: 5 added, 0 skipped", output, StringComparison.Ordinal);
        foreach (var simulated in headEnd.Fleet.Meters)
        {
            Assert.NotNull(await headEnd.Node.Meters.FindBySerialAsync(simulated.Id));
        }

        var again = await Cli.RunAsync("meters", "import", headEnd.ProvisioningPath, "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.Equal(0, again.Code);
        Assert.Contains("5 meters: 0 added, 5 skipped", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersImport_MeterWithOtherKeys_Exit3ListingItAndAddingTheRest()
    {
        var path = Path.Combine(Path.GetTempPath(), "meterline-cli-import-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var key = () => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            string Meter(string id, string title) =>
                $$"""{"id":"{{id}}","systemTitle":"{{title}}","hdlcLogicalAddress":1,"hdlcPhysicalAddress":16,"wPort":1,"host":"127.0.0.1","port":4059,"profile":"is15959-single-phase","householdSeed":1,"encryptionKey":"{{key()}}","authenticationKey":"{{key()}}","masterKey":"{{key()}}","readerPassword":"Pw-{{id}}"}""";
            await Cli.RunAsync("meters", "add", "CLI0100", "--system-title", "4D544C00C0000100", "--server", headEnd.Server, "--token", headEnd.Token);
            await File.WriteAllTextAsync(path, $$"""{"version":1,"meters":[{{Meter("CLI0101", "4D544C00C0000101")}},{{Meter("CLI0100", "4D544C00C0000100")}}]}""");

            var (code, output, _) = await Cli.RunAsync("meters", "import", path, "--server", headEnd.Server, "--token", headEnd.Token);

            Assert.Equal(3, code);
            Assert.Contains("2 meters: 1 added, 0 skipped", output, StringComparison.Ordinal);
            Assert.Contains("CLI0100", output, StringComparison.Ordinal);
            Assert.Contains("already registered with other keys", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"version":2,"meters":[]}""", "version must be 1")]
    [InlineData("""{"version":1,"meters":[{"id":"X"}]}""", "meter 0 (X)")]
    public async Task MetersImport_InvalidFile_Exit1AndNothingSent(string content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), "meterline-cli-bad-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, content);
        try
        {
            var (code, _, error) = await Cli.RunAsync("meters", "import", path, "--server", "http://127.0.0.1:1");

            Assert.Equal(1, code);
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.Contains("nothing was imported", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Meters_ServerUnreachable_Exit2WithAClearError()
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", "http://127.0.0.1:1");

        Assert.Equal(2, code);
        Assert.Contains("cannot reach the head-end at http://127.0.0.1:1/: connection refused", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("not a url")]
    public async Task Meters_MalformedServer_Exit1(string server)
    {
        var (code, _, error) = await Cli.RunAsync("meters", "list", "--server", server);

        Assert.Equal(1, code);
        Assert.Contains("--server", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meters_ServerFromTheEnvironment_UsedWithoutTheOption()
    {
        await Cli.RunAsync("meters", "add", "CLI0300", "--system-title", "4D544C00C0000300", "--server", headEnd.Server, "--token", headEnd.Token);
        Environment.SetEnvironmentVariable("MTL_SERVER", headEnd.Server);
        try
        {
            var (code, output, error) = await Cli.RunAsync("meters", "show", "CLI0300", "--token-file", headEnd.TokenFilePath);

            Assert.True(code == 0, error);
            Assert.Contains("4D544C00C0000300", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MTL_SERVER", null);
        }
    }
}
