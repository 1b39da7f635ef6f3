using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.Cli.Tests;

/// <summary>`meterline dlms` run in process against a DLMS server on loopback TCP, as a user runs it against a meter.</summary>
public sealed class DlmsCommandTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private const string Ek = "8F1A2B3C4D5E6F708192A3B4C5D6E7F8";
    private const string Ak = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    private static readonly SystemTitle ClientTitle = SystemTitle.Parse("4D4D4D0000000001");
    private readonly FakeMeter _meter = new();
    private readonly InvocationCounterGuard _utilityCounters = new();
    private readonly OutgoingInvocationCounter _serverCounter = new(1);
    private Task _serving = Task.CompletedTask;

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Task InitializeAsync()
    {
        _listener.Start();
        var server = new DlmsServer(sap => sap switch
        {
            16 => new ServerAssociation(ServerAssociationDefinition.PublicClient(), null, _meter, new InvocationCounterGuard(), new OutgoingInvocationCounter(1)),
            32 => new ServerAssociation(
                ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)) with
                {
                    SupportedConformance = ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)).SupportedConformance | Meterline.Dlms.Acse.Conformance.Action,
                },
                null,
                _meter,
                new InvocationCounterGuard(),
                new OutgoingInvocationCounter(1)),
            48 => new ServerAssociation(
                ServerAssociationDefinition.UtilitySettings(),
                new AssociationKeys(SystemTitle.Parse("4D4D4D0000BC614E"), CipherKey.FromBytes(Convert.FromHexString(Ek)), CipherKey.FromBytes(Convert.FromHexString(Ak))),
                _meter,
                _utilityCounters,
                _serverCounter),
            _ => null,
        });
        _utilityCounters.Accept(ClientTitle, KeyId.GlobalUnicastEncryptionKey, _meter.LastUtilityCounter);
        _serving = server.ServeTcpAsync(_listener, 1, 16, _stop.Token);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Read_Register_PrintsValueWithScalerAndUnit()
    {
        var (code, output, _) = await RunAsync("dlms", "read", "1.0.12.7.0.255", "--host", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, code);
        Assert.Contains("1.0.12.7.0.255 class 3 attribute 2: 230.12 V", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RegisterRaw_PrintsTheUnscaledValue()
    {
        var (code, output, _) = await RunAsync("dlms", "read", "1-0:1.8.0*255", "--raw", "--host", "127.0.0.1", "--port", PortText);
        Assert.Equal(0, code);
        Assert.Contains("1.0.1.8.0.255 class 3 attribute 2: 1234567", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Clock_DefaultsToClassEight()
    {
        var (code, output, _) = await RunAsync("dlms", "read", "0.0.1.0.0.255", "--host", "127.0.0.1", "--port", PortText);
        Assert.Equal(0, code);
        Assert.Contains("0.0.1.0.0.255 class 8 attribute 2: 2026-11-23 00:00:00 +05:30", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ProfileByEntries_PrintsATableUnderTheCaptureObjects()
    {
        var (code, output, error) = await RunAsync("dlms", "read", "1.0.99.1.0.255", "--entries", "1-4", "--client", "32", "--auth", "low", "--password", "12345678",
            "--host", "127.0.0.1", "--port", PortText, "--deviation", "local-minus-utc");
        Assert.True(code == 0, error);
        Assert.Contains("0.0.1.0.0.255\t1.0.12.7.0.255\t1.0.1.8.0.255", output, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 00:45:00 +05:30\t23003\t103", output, StringComparison.Ordinal);
        Assert.Contains("(4 entries)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ProfileByRange_ReturnsTheEntriesInside()
    {
        var (code, output, error) = await RunAsync("dlms", "read", "1.0.99.1.0.255", "--from", "2026-11-22T01:00:00+05:30", "--to", "2026-11-22T02:00:00+05:30",
            "--client", "32", "--auth", "low", "--password", "12345678", "--host", "127.0.0.1", "--port", PortText, "--deviation", "local-minus-utc");
        Assert.True(code == 0, error);
        Assert.Contains("(5 entries)", output, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 01:00:00 +05:30", output, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 02:00:00 +05:30", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Objects_ListsTheAssociationsObjects()
    {
        var (code, output, _) = await RunAsync("dlms", "objects", "--host", "127.0.0.1", "--port", PortText);
        Assert.Equal(0, code);
        foreach (var (classId, name) in FakeMeter.Objects)
        {
            Assert.Contains($"{classId,5}   0  {name,-18}", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Action_Disconnect_ThroughTheReaderAssociation_Succeeds()
    {
        var (code, output, error) = await RunAsync("dlms", "action", "0.0.96.3.10.255", "--class", "70", "--method", "1", "--parameter", "integer:0",
            "--client", "32", "--auth", "low", "--password", "12345678", "--host", "127.0.0.1", "--port", PortText);
        Assert.True(code == 0, error);
        Assert.Contains("method 1: Success", output, StringComparison.Ordinal);
        var (_, state, _) = await RunAsync("dlms", "read", "0.0.96.3.10.255", "--class", "70", "--host", "127.0.0.1", "--port", PortText);
        Assert.Contains("attribute 2: false", state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WrongPassword_ExitsThreeWithTheDiagnostic()
    {
        var (code, _, error) = await RunAsync("dlms", "read", "1.0.1.8.0.255", "--client", "32", "--auth", "low", "--password", "wrong", "--host", "127.0.0.1", "--port", PortText);
        Assert.Equal(3, code);
        Assert.Contains("refused the association", error, StringComparison.Ordinal);
        Assert.Contains("AuthenticationFailure", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ObjectNotInTheAssociation_ExitsThree()
    {
        var (code, _, error) = await RunAsync("dlms", "read", "1.0.2.8.0.255", "--host", "127.0.0.1", "--port", PortText);
        Assert.Equal(3, code);
        Assert.Contains("1.0.2.8.0.255", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dlms", "read", "1.0.1.8.0")]
    [InlineData("dlms", "read", "1.0.1.8.0.255")]
    [InlineData("dlms", "read", "1.0.1.8.0.255", "--host", "127.0.0.1", "--cipher")]
    [InlineData("dlms", "read", "1.0.1.8.0.255", "--host", "127.0.0.1", "--auth", "low")]
    public async Task BadOptions_ExitOneWithAMessage(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HlsGmac_CounterBehindTheMeters_IsRefused()
    {
        var (code, _, error) = await RunAsync(UtilityArgs("--counter", "1"));
        Assert.Equal(3, code);
        Assert.Contains("refused the association", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HlsGmac_ReadCounterFirst_AssociatesAndReads()
    {
        var (code, output, error) = await RunAsync(UtilityArgs("--read-counter", "0.0.43.1.3.255"));
        Assert.True(code == 0, error);
        Assert.Contains("1.0.1.8.0.255 class 3 attribute 2: 1234567 Wh", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Ek, output + error, StringComparison.OrdinalIgnoreCase);
        Assert.True(_utilityCounters.TryGetLastAccepted(ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last) && last > 101);
    }

    [Fact]
    public async Task Cipher_KeysNeverAppearInOutput()
    {
        const string ek = "0F0E0D0C0B0A09080706050403020100";
        var (code, output, error) = await RunAsync("dlms", "read", "1.0.1.8.0.255", "--host", "127.0.0.1", "--port", PortText, "--cipher",
            "--system-title", "4D4D4D0000000001", "--ek", ek, "--ak", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEZZ");
        Assert.Equal(1, code);
        Assert.DoesNotContain(ek, output + error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("D0D1D2D3", output + error, StringComparison.OrdinalIgnoreCase);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private string[] UtilityArgs(params string[] extra) =>
    [
        "dlms", "read", "1.0.1.8.0.255", "--host", "127.0.0.1", "--port", PortText, "--client", "48", "--auth", "hls-gmac", "--cipher",
        "--system-title", "4D4D4D0000000001", "--ek", Ek, "--ak", Ak, .. extra,
    ];

    private string PortText => Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.BuildRootCommand(output, error).Parse(args).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (code, output.ToString(), error.ToString());
    }
}
