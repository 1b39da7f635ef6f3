using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Control;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>
/// The head-end's own coordinator, over a real pseudo-terminal: the emulated coordinator module, emulated radios with
/// a lossy link and real simulated meters on one side; <see cref="LocalZigbeeNetwork"/>, the DLMS connector and the
/// ingest pipeline on the other.
/// </summary>
public sealed class LocalZigbeeNetworkTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Connector_LocalCoordinatorTenPercentLoss_AssociatesReadsRegistersAndWorksTheRelay()
    {
        // 10 % of frames lost on the air in each direction and no MAC retries to hide it: the driver's and the radios'
        // own retries must carry every segment through.
        await using var headEnd = await ZigbeeHeadEnd.StartAsync(3, new LinkModel { LossRate = 0.10, MacRetries = 0, Seed = 11 }, speed: 3600, Start);
        var meters = await headEnd.RegisterAsync(m => ZigbeeEndpoint.Local(ZigbeeHeadEnd.RadioOf(m)));
        await using var zigbee = await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = headEnd.DevicePath, DiscoverAtStart = false }, headEnd.Pipeline).WaitAsync(ZigbeeHeadEnd.Bound);
        var connector = headEnd.Connector([new TcpWrapperLinkOpener(), zigbee.LinkOpener]);
        await Task.Delay(TimeSpan.FromSeconds(1)); // an hour of metering at 3,600x

        for (var i = 0; i < meters.Count; i++)
        {
            var meter = meters[i];
            var simulated = headEnd.Simulator.Meters[i].Meter;
            Assert.True(connector.CanReach(meter.Endpoint!));
            Assert.True(zigbee.LinkOpener.CanOpen(meter.Endpoint!));
            await using (var session = await connector.OpenAsync(meter).WaitAsync(ZigbeeHeadEnd.Bound))
            {
                var values = await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy]).WaitAsync(ZigbeeHeadEnd.Bound);
                var import = Assert.Single(values, v => v.Quantity == Quantity.CumulativeImportEnergy).Value;
                Assert.InRange(import, 1, (double)simulated.Registers.ImportWh);
                Assert.Single(values, v => v.Quantity == Quantity.CumulativeExportEnergy);
                Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ZigbeeHeadEnd.Bound));
                if (i == 0)
                {
                    await session.RemoteDisconnectAsync().WaitAsync(ZigbeeHeadEnd.Bound);
                    Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(ZigbeeHeadEnd.Bound));
                    Assert.Equal(DisconnectControlState.Disconnected, simulated.Relay.ControlState);
                }
            }
        }

        Assert.Equal(3, headEnd.Counters.Reservations);
        Assert.True(headEnd.Radio.Coordinator.AirFramesLost > 0, "the link lost frames");
        Assert.True(zigbee.Coordinator.TransmitFailures > 0, "the driver saw failed deliveries and retried");
        Assert.Equal(0, zigbee.Concentrator.OpenSessions);
    }

    [Fact]
    public async Task Pushes_ThroughTheLocalCoordinator_StoredByTheIngestPipelineForEveryMeter()
    {
        await using var headEnd = await ZigbeeHeadEnd.StartAsync(3, new LinkModel { LossRate = 0.05, Seed = 3 }, speed: 3600, Start);
        var meters = await headEnd.RegisterAsync(m => ZigbeeEndpoint.Local(ZigbeeHeadEnd.RadioOf(m)));
        headEnd.RunPipeline();
        await using var zigbee = await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = headEnd.DevicePath }, headEnd.Pipeline).WaitAsync(ZigbeeHeadEnd.Bound);
        using var stop = new CancellationTokenSource();
        var running = zigbee.RunAsync(stop.Token);
        headEnd.RunFleet();

        foreach (var meter in meters)
        {
            await ZigbeeHeadEnd.UntilAsync(async () => await headEnd.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial} stored");
            await ZigbeeHeadEnd.UntilAsync(async () => (await headEnd.Repository.GetAsync(meter.Id))!.LastHeardAt is not null, $"{meter.Serial} marked heard");
        }

        await ZigbeeHeadEnd.UntilAsync(() => Task.FromResult(zigbee.NodesDiscovered == 3), "discovery found the three radios");
        await stop.CancelAsync();
        await running.WaitAsync(ZigbeeHeadEnd.Bound);

        var times = await headEnd.Readings.GetIntervalTimesAsync(meters[0].Id, Quantity.BlockImportEnergy, Start, Start.AddDays(30));
        Assert.NotEmpty(times);
        Assert.All(times, t => Assert.Equal(0, t.Minute % 15));
        Assert.True(zigbee.PushAdapter.Queued >= 3, $"{zigbee.PushAdapter.Queued} pushes queued");
        Assert.Equal(0, zigbee.PushAdapter.Dropped);
        Assert.Equal(0, headEnd.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(0, zigbee.DiscoveryFailures);
    }

    [Fact]
    public async Task RunAsync_SerialLinkLost_EndsWithTheCoordinatorsErrorAndTheOpenerRefuses()
    {
        // A discovery window of 3 s (NT = 30): the node's answer crosses the pty within it even on a loaded CI machine,
        // where 0.5 s was once too short and discovery found nothing (this test is about losing the link, not about timing).
        var module = EmulatedCoordinator.StartOnPseudoTerminal(new EmulatedCoordinatorOptions { NodeDiscoveryTimeout = 30 });
        module.AddNode(new XBeeAddress64(0x0013A2004D540001), new XBeeAddress16(0x0100), "MTL1");
        await using var zigbee = await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = module.DevicePath! }, new RecordingFrameSink()).WaitAsync(ZigbeeHeadEnd.Bound);
        var running = zigbee.RunAsync(CancellationToken.None);
        await ZigbeeHeadEnd.UntilAsync(() => Task.FromResult(zigbee.NodesDiscovered == 1), "discovery found the radio");

        await module.DisposeAsync();

        await Assert.ThrowsAnyAsync<XBeeException>(() => running.WaitAsync(ZigbeeHeadEnd.Bound));
        var endpoint = new MeterEndpoint("zigbee://0013A2004D540001");
        await Assert.ThrowsAsync<DlmsLinkException>(() => zigbee.LinkOpener.OpenAsync(endpoint, 48));
    }

    [Fact]
    public async Task RunAsync_RadioAppearsWithoutAJoin_FoundByTheNextDiscovery()
    {
        var module = EmulatedCoordinator.StartOnPseudoTerminal(new EmulatedCoordinatorOptions { NodeDiscoveryTimeout = 30 });
        await using var _ = module;
        module.AddNode(new XBeeAddress64(0x0013A2004D540001), new XBeeAddress16(0x0100), "MTL1");
        var options = new LocalZigbeeNetworkOptions { SerialPort = module.DevicePath!, RediscoverEvery = TimeSpan.FromSeconds(1) };
        await using var zigbee = await LocalZigbeeNetwork.OpenAsync(options, new RecordingFrameSink()).WaitAsync(ZigbeeHeadEnd.Bound);
        using var stop = new CancellationTokenSource();
        var running = zigbee.RunAsync(stop.Token);
        await ZigbeeHeadEnd.UntilAsync(() => Task.FromResult(zigbee.Discoveries >= 1), "the start-up discovery completed");
        Assert.Equal(1, zigbee.NodesDiscovered);

        // A radio back from a power cut that never announces a join: only asking the network again finds it.
        module.AddNode(new XBeeAddress64(0x0013A2004D540002), new XBeeAddress16(0x0200), "MTL2", announce: false);
        await ZigbeeHeadEnd.UntilAsync(() => Task.FromResult(zigbee.NodesDiscovered == 2), "a later discovery found the second radio");

        Assert.True(zigbee.Discoveries >= 2);
        Assert.Equal(0, zigbee.DiscoveryFailures);
        await stop.CancelAsync();
        await running.WaitAsync(ZigbeeHeadEnd.Bound);
    }

    [Fact]
    public async Task RunAsync_Disposed_ReturnsNormally()
    {
        await using var module = EmulatedCoordinator.StartOnPseudoTerminal();
        var zigbee = await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = module.DevicePath!, DiscoverAtStart = false }, new RecordingFrameSink()).WaitAsync(ZigbeeHeadEnd.Bound);
        var running = zigbee.RunAsync(CancellationToken.None);

        await zigbee.DisposeAsync();
        await zigbee.DisposeAsync();

        await running.WaitAsync(ZigbeeHeadEnd.Bound);
        Assert.True(running.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task OpenAsync_NoSuchDevice_FailsWithoutLeaving()
    {
        var missing = "/dev/meterline-no-such-tty-" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAnyAsync<Exception>(() => LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = missing }, new RecordingFrameSink()));
    }

    [Theory]
    [InlineData("", 9600)]
    [InlineData("/dev/ttyUSB0", 1199)]
    [InlineData("/dev/ttyUSB0", 1_000_001)]
    public async Task OpenAsync_OptionsOutOfRange_Refused(string port, int baud)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = port, BaudRate = baud }, new RecordingFrameSink()));
    }
}
