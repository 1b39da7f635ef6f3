using Meterline.Dlms.Cosem;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Tests;

/// <summary>
/// DLMS over Zigbee end to end, over a real pseudo-terminal: the head-end's coordinator driver, the emulated
/// coordinator module, emulated radios with a lossy link model, and real simulated meters.
/// </summary>
public sealed class ZigbeeEndToEndTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CosemAttributeDescriptor BlockLoadBuffer = new(7, new ObisCode(1, 0, 99, 1, 0, 255), 2);
    private static readonly CosemAttributeDescriptor Clock = new(8, new ObisCode(0, 0, 1, 0, 0, 255), 2);

    [Fact]
    public async Task UtilityClient_TenPercentFrameLoss_ReadsEveryMetersLoadProfileThroughTheCoordinator()
    {
        // 10 % of frames lost on the air in each direction, and no MAC retries to hide it: the driver's and the
        // radios' own retries must carry every segment through.
        await using var zigbee = await ZigbeeFleet.StartAsync(3, new LinkModel { LossRate = 0.10, MacRetries = 0, Seed = 7 }, speed: 3600, Start);
        // At 3,600 simulated seconds per real second: two hours of load profile in each meter before anyone reads it.
        await Task.Delay(TimeSpan.FromSeconds(2.1));

        var nodes = await zigbee.Concentrator.DiscoverAsync().WaitAsync(ZigbeeFleet.Bound);
        Assert.Equal(3, nodes.Count);
        var reads = 0;
        foreach (var provisioned in zigbee.Simulator.Provisioning.Meters)
        {
            var address = new XBeeAddress64(provisioned.ZigbeeAddress!.Value);
            await using var session = zigbee.Concentrator.OpenSession(address, clientWPort: 48);
            await using var client = DlmsClient.Create(session, ZigbeeFleet.UtilityClient(provisioned), new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) });

            var outcome = await client.AssociateAsync().WaitAsync(ZigbeeFleet.Bound);
            Assert.True(outcome.IsAssociated, outcome.ToString());
            var buffer = await client.GetAsync(BlockLoadBuffer).WaitAsync(ZigbeeFleet.Bound);
            var entries = Assert.IsType<CosemData.Array>(buffer.Data);
            Assert.True(entries.Items.Length >= 8, $"{entries.Items.Length} block entries");
            for (var i = 0; i < 10; i++)
            {
                var clock = await client.GetAsync(Clock).WaitAsync(ZigbeeFleet.Bound);
                Assert.IsType<CosemData.OctetString>(clock.Data);
                reads++;
            }

            await client.ReleaseAsync().WaitAsync(ZigbeeFleet.Bound);
        }

        Assert.Equal(30, reads);
        Assert.True(zigbee.Radio.Coordinator.AirFramesLost > 0, "the link lost frames");
        Assert.True(zigbee.Coordinator.TransmitFailures > 0, "the driver saw failed deliveries and retried");
    }

    [Fact]
    public async Task Pushes_ThroughTheCoordinator_ArriveAndAreDeciphered()
    {
        await using var zigbee = await ZigbeeFleet.StartAsync(3, new LinkModel { LossRate = 0.05, Seed = 3 }, speed: 3600, Start);
        using var keys = zigbee.Keys();
        var headEnd = new PushListener(keys, new InvocationCounterGuard());
        await using var pushes = new DatagramWrapperLink((_, _) => ValueTask.CompletedTask, 1, 1, receiveCapacity: 1024);
        using var stop = new CancellationTokenSource();
        var listening = headEnd.AttachAsync(pushes, "zigbee", cancellationToken: stop.Token);
        var forwarding = Task.Run(async () =>
        {
            try
            {
                await foreach (var push in zigbee.Concentrator.Pushes.ReadAllAsync(stop.Token))
                {
                    pushes.TryDeliver(push.Apdu);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        await zigbee.Concentrator.DiscoverAsync().WaitAsync(ZigbeeFleet.Bound);
        zigbee.Run();

        var senders = new HashSet<SystemTitle>();
        while (senders.Count < 3)
        {
            senders.Add((await headEnd.Notifications.ReadAsync().AsTask().WaitAsync(ZigbeeFleet.Bound)).Sender);
        }

        await stop.CancelAsync();
        Assert.Equal(zigbee.Simulator.Meters.Select(m => m.Meter.SystemTitle).ToHashSet(), senders);
        Assert.Equal(0, headEnd.UnknownSenders + headEnd.AuthenticationFailures + headEnd.Replays + headEnd.Malformed);
        await Task.WhenAll(listening, forwarding).WaitAsync(ZigbeeFleet.Bound);
    }
}
