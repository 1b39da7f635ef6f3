using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Links;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Push;
using Meterline.Simulator.Tests.Support;

namespace Meterline.Simulator.Tests.Fleet;

/// <summary>The whole fleet on loopback: real meters behind one shared port, read by a real DLMS client.</summary>
public sealed class FleetSimulatorTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly CosemAttributeDescriptor LogicalDeviceName = new(1, new ObisCode(0, 0, 42, 0, 0, 255), 2);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-fleet-").FullName;

    private FleetSimulatorOptions Options(FleetFraming framing, bool portPerMeter = false) => new()
    {
        Meters = 3,
        Speed = 1000,
        Start = FleetFixture.Start,
        ProfilePath = FleetFixture.ProfilePath,
        ProvisioningPath = Path.Combine(_directory, "fleet.json"),
        StateDirectory = Path.Combine(_directory, "state"),
        Hosting = new FleetHostOptions { Port = 0, Framing = framing, PortPerMeter = portPerMeter },
    };

    private static async Task<string> ReadNameAsync(IApduLink link)
    {
        await using var client = DlmsClient.Create(link, new ClientAssociation(new ClientAssociationSettings()), new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        Assert.True((await client.AssociateAsync()).IsAssociated);
        var result = await client.GetAsync(LogicalDeviceName);
        await client.ReleaseAsync();
        return System.Text.Encoding.ASCII.GetString(Assert.IsType<CosemData.OctetString>(result.Data).Value.Span);
    }

    [Fact]
    public async Task SharedPortWrapper_EachMeterAnswersWithItsLogicalDeviceName()
    {
        await using var fleet = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper));
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        var port = Assert.Single(fleet.Endpoints).Port;

        foreach (var meter in fleet.Meters.Reverse())
        {
            await using var pipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
            await using var link = WrapperLink.Start(pipe, 16, (ushort)meter.PhysicalAddress);
            Assert.Equal(meter.Meter.Identity.LogicalDeviceName, await ReadNameAsync(link).WaitAsync(Bound));
        }

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        Assert.Equal(3, fleet.HostStatistics.AcceptedConnections);
    }

    [Fact]
    public async Task SharedPortHdlc_MeterChosenByPhysicalAddressAnswers()
    {
        await using var fleet = await FleetSimulator.StartAsync(Options(FleetFraming.Hdlc));
        using var stop = new CancellationTokenSource();
        var running = fleet.RunAsync(stop.Token);
        var port = Assert.Single(fleet.Endpoints).Port;

        await using (var pipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5)))
        await using (var link = await HdlcLink.ConnectAsync(pipe, HdlcAddress.Client(16), HdlcAddress.Server(1, 18, 4), new HdlcLinkOptions { ResponseTimeout = TimeSpan.FromSeconds(5) }))
        {
            Assert.Equal(fleet.Meters[2].Meter.Identity.LogicalDeviceName, await ReadNameAsync(link).WaitAsync(Bound));
        }

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
    }

    [Fact]
    public async Task StartAsync_PortPerMeter_WritesTheBoundPortsAndKeepsKeysOnRestart()
    {
        FleetProvisioning first;
        await using (var fleet = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper, portPerMeter: true)))
        {
            first = FleetProvisioningFile.Read(fleet.ProvisioningPath);
            Assert.Equal(fleet.Endpoints.Select(e => e.Port), first.Meters.Select(m => m.Port));
            Assert.All(first.Meters, m => Assert.Equal(1, m.WPort));
        }

        await using var again = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper, portPerMeter: true));
        var second = FleetProvisioningFile.Read(again.ProvisioningPath);
        Assert.Equal(first.Meters.Select(m => m.Keys), second.Meters.Select(m => m.Keys));
    }

    [Fact]
    public async Task StartAsync_HesPublicKey_NewAndKeyLessMetersTrustItAndTheFileRecordsIt()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        await using (var plain = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with { Meters = 2 }))
        {
            Assert.All(plain.Meters, m => Assert.False(m.Meter.SignaturesEnforced));
            Assert.All(FleetProvisioningFile.Read(plain.ProvisioningPath).Meters, m => Assert.True(m.Keys.HesPublicKey.IsEmpty));
        }

        await using var fleet = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with { HesPublicKey = point });

        Assert.All(fleet.Meters, m => Assert.True(m.Meter.SignaturesEnforced));
        Assert.All(FleetProvisioningFile.Read(fleet.ProvisioningPath).Meters, m => Assert.Equal(point, m.Keys.HesPublicKey.ToArray()));
        // The two meters of the first run had it installed on site (an event); the third was provisioned with it.
        Assert.Equal([1, 1, 0], fleet.Meters.Select(m => m.Meter.EventCounts.GetValueOrDefault(Meter.Security.SecurityEventCodes.HesPublicKeyChanged)));
    }

    [Fact]
    public async Task StartAsync_HesPublicKeyNotAPoint_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(() => FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with { HesPublicKey = new byte[65] }));

    [Fact]
    public async Task RunAsync_PushToTcp_AHeadEndWithTheProvisioningFileVerifiesEveryMetersPushes()
    {
        var listener = TcpTransport.Listen(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var options = Options(FleetFraming.Wrapper) with
        {
            Speed = 3600,
            Push = new Meterline.Simulator.Push.PushDestination(Meterline.Simulator.Push.PushTransport.Tcp, "127.0.0.1", port),
        };
        await using var fleet = await FleetSimulator.StartAsync(options);
        var provisioned = FleetProvisioningFile.Read(fleet.ProvisioningPath);
        var ciphers = provisioned.Meters.ToDictionary(
            m => m.SystemTitle,
            m => new Dlms.Security.AesGcmCipher(Dlms.Security.CipherKey.FromBytes(m.Keys.GlobalUnicastEncryptionKey.Span), Dlms.Security.CipherKey.FromBytes(m.Keys.AuthenticationKey.Span)));
        var headEnd = new PushListener(new Resolver(ciphers), new Dlms.Security.InvocationCounterGuard());
        using var stop = new CancellationTokenSource();
        var serving = headEnd.ServeTcpAsync(listener, stop.Token);
        var running = fleet.RunAsync(stop.Token);

        var senders = new HashSet<Dlms.Security.SystemTitle>();
        while (senders.Count < 3)
        {
            senders.Add((await headEnd.Notifications.ReadAsync().AsTask().WaitAsync(Bound)).Sender);
        }

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        await serving.WaitAsync(Bound);
        listener.Dispose();
        Assert.Equal(fleet.Meters.Select(m => m.Meter.SystemTitle).ToHashSet(), senders);
        Assert.Equal(0, headEnd.UnknownSenders + headEnd.AuthenticationFailures + headEnd.Replays);
        Assert.True(fleet.Snapshot().PushesDelivered >= 3);
        foreach (var cipher in ciphers.Values)
        {
            cipher.Dispose();
        }
    }

    private sealed class Resolver(Dictionary<Dlms.Security.SystemTitle, Dlms.Security.AesGcmCipher> ciphers) : ISenderKeyResolver
    {
        public bool TryGetCipher(Dlms.Security.SystemTitle sender, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Dlms.Security.AesGcmCipher? cipher) =>
            ciphers.TryGetValue(sender, out cipher);
    }

    [Fact]
    public async Task StartAsync_SharesOnMqttAndCoap_EachMetersEndpointFollowsItsTransportAndAFleetWithoutSharesClearsThem()
    {
        // Nothing runs: the destinations are only written down (no meter pushes or connects before RunAsync).
        var shared = Options(FleetFraming.Wrapper) with
        {
            Meters = 4,
            Push = new PushDestination(PushTransport.Tcp, "127.0.0.1", 9),
            Shares = [new FleetTransportShare(new PushDestination(PushTransport.Mqtt, "127.0.0.1", 9), 1), new FleetTransportShare(new PushDestination(PushTransport.Coap, "127.0.0.1", 9), 2)],
        };
        await using (var fleet = await FleetSimulator.StartAsync(shared))
        {
            var coapPort = fleet.Coap!.LocalEndPoint.Port;
            Assert.NotNull(fleet.Mqtt);
            Assert.Equal(
                [null, "mqtt://4D544C0000000002", $"coap://127.0.0.1:{coapPort}/m/MTL00000003", $"coap://127.0.0.1:{coapPort}/m/MTL00000004"],
                FleetProvisioningFile.Read(fleet.ProvisioningPath).Meters.Select(m => m.Endpoint));
        }

        await using var plain = await FleetSimulator.StartAsync(shared with { Shares = [] });
        Assert.Null(plain.Coap);
        Assert.Null(plain.Mqtt);
        Assert.All(FleetProvisioningFile.Read(plain.ProvisioningPath).Meters, m => Assert.Null(m.Endpoint));
    }

    [Fact]
    public async Task StartAsync_PushOverCoap_EveryMeterIsServedOverCoap()
    {
        await using var fleet = await FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with { Push = new PushDestination(PushTransport.Coap, "127.0.0.1", 9) });

        var port = fleet.Coap!.LocalEndPoint.Port;
        Assert.Equal(fleet.Meters.Select(m => $"coap://127.0.0.1:{port}/m/{m.Id}"), FleetProvisioningFile.Read(fleet.ProvisioningPath).Meters.Select(m => m.Endpoint));
    }

    [Theory]
    [InlineData(3, PushTransport.Coap)]
    [InlineData(1, PushTransport.Mqtt)]
    [InlineData(1, PushTransport.Tcp)]
    [InlineData(-1, PushTransport.Coap)]
    public async Task StartAsync_SharesBeyondTheFleetOrRepeatingATransport_Throws(int meters, PushTransport transport) =>
        await Assert.ThrowsAsync<ArgumentException>(() => FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with
        {
            Meters = 3,
            Push = new PushDestination(PushTransport.Tcp, "127.0.0.1", 9),
            Shares = [new FleetTransportShare(new PushDestination(PushTransport.Mqtt, "127.0.0.1", 9), 1), new FleetTransportShare(new PushDestination(transport, "127.0.0.1", 9), meters)],
        }));

    [Fact]
    public async Task StartAsync_ScenarioBeyondTheFleet_Throws()
    {
        Assert.True(Meterline.Simulator.Scenarios.ScenarioParser.TryParse("magnet:meter=5", out var scenario, out _));

        await Assert.ThrowsAsync<ArgumentException>(() => FleetSimulator.StartAsync(Options(FleetFraming.Wrapper) with { Scenarios = [scenario] }));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
