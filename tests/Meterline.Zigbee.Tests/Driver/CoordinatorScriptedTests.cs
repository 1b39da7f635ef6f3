using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Zigbee.Tests.Driver;

/// <summary>The driver against a scripted module over in-memory pipes, with its time-outs on a fake clock.</summary>
public class CoordinatorScriptedTests
{
    private static readonly XBeeAddress64 Node = new(0x0013A20040000002);

    private static XBeeCoordinatorOptions Options => new()
    {
        StartupQueryTimeout = TimeSpan.FromSeconds(1),
        CommandTimeout = TimeSpan.FromSeconds(2),
        TransmitStatusTimeout = TimeSpan.FromSeconds(5),
        TransmitRetries = 2,
        RetryBackoff = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Starts the driver against a module that answers at once: the fake clock need not move.</summary>
    private static Task<XBeeCoordinator> StartAsync(ScriptedModule module, FakeTimeProvider time, XBeeCoordinatorOptions? options = null) =>
        XBeeCoordinator.StartAsync(module.DriverStream, options ?? Options, time).Bounded();

    [Fact]
    public async Task StartAsync_NoAnswerInMode1Framing_AsksAgainInMode2AndAdoptsIt()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule { Mode = XBeeApiMode.ApiEscaped };
        var asked = 0;
        module.Answer = frame => frame is AtCommand { Command: "AP" } && ++asked == 1 ? [] : null;

        var start = XBeeCoordinator.StartAsync(module.DriverStream, Options, time);
        await time.AdvanceWhenAsync(() => module.Received.Count == 1, Options.StartupQueryTimeout);
        await using var coordinator = await start.Bounded();

        Assert.Equal(2, asked);
        Assert.Equal(XBeeApiMode.ApiEscaped, coordinator.ApiMode);
        Assert.Equal(84, coordinator.MaxPayload);
        Assert.Equal(new XBeeAddress64(0x0013A20040000001), coordinator.Address64);
        Assert.Equal(TimeSpan.FromSeconds(6), coordinator.NodeDiscoveryTimeout);
    }

    [Fact]
    public async Task StartAsync_NodeHeardBeforeNpIsKnown_JoinsAndItsLinkWorksOnceStarted()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        module.Answer = frame => frame is AtCommand { Command: "AP" } at
            ? [new ReceivePacket(Node, new XBeeAddress16(0x0101), ReceiveOptions.None, new byte[] { 0x81, 0, 0, 9 }), ScriptedModule.Ok(at, 1)]
            : frame is TransmitRequest tx ? [new TransmitStatus(tx.FrameId, new XBeeAddress16(0x0101), 0, DeliveryStatus.Success, 0)] : null;

        await using var coordinator = await StartAsync(module, time);
        var join = await coordinator.Joins.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([9], (await join.Node.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).ToArray());
        await join.Node.SendAsync(new byte[200]).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, module.Received.OfType<TransmitRequest>().Count());
        Assert.All(module.Received.OfType<TransmitRequest>(), tx => Assert.True(tx.Data.Length <= 84));
    }

    [Fact]
    public async Task StartAsync_TransparentModule_IsRefused()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        module.Answer = frame => frame is AtCommand { Command: "AP" } at ? [ScriptedModule.Ok(at, 0)] : null;

        var e = await Assert.ThrowsAsync<XBeeException>(() => StartAsync(module, time));

        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task StartAsync_SilentModule_FailsAfterBothAttempts()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule { Answer = _ => [] };

        var start = XBeeCoordinator.StartAsync(module.DriverStream, Options, time);
        await time.AdvanceWhenAsync(() => module.Received.Count == 1, Options.StartupQueryTimeout);
        await time.AdvanceWhenAsync(() => module.Received.Count == 2, Options.StartupQueryTimeout);
        var e = await Assert.ThrowsAsync<XBeeException>(() => start.Bounded());

        Assert.True(e.IsTransient);
        Assert.Equal(2, module.Received.Count);
    }

    [Fact]
    public async Task TransmitAsync_NoStatus_TimesOutEachAttemptThenThrows()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time, Options with { RetryBackoff = TimeSpan.Zero });

        var send = coordinator.TransmitAsync(Node, XBeeAddress16.Unknown, new byte[] { 1 });
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await time.AdvanceWhenAsync(() => module.Received.OfType<TransmitRequest>().Count() == attempt, Options.TransmitStatusTimeout);
        }

        var e = await Assert.ThrowsAsync<XBeeException>(() => send.Bounded());

        Assert.True(e.IsTransient);
        Assert.Equal(3, coordinator.TransmitTimeouts);
        Assert.Equal(3, module.Received.OfType<TransmitRequest>().Count());
        Assert.Equal(0, coordinator.PendingRequests);
    }

    [Fact]
    public async Task TransmitAsync_FailedThenDelivered_RetriesAfterTheBackoffAndLearnsTheAddress()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        var attempts = 0;
        module.Answer = frame => frame is TransmitRequest tx
            ? [++attempts == 1
                ? new TransmitStatus(tx.FrameId, new XBeeAddress16(0xFFFD), 3, DeliveryStatus.MacAckFailure, DiscoveryStatus.AddressDiscovery)
                : new TransmitStatus(tx.FrameId, new XBeeAddress16(0x1234), 0, DeliveryStatus.Success, DiscoveryStatus.NoDiscoveryOverhead)]
            : null;
        await using var coordinator = await StartAsync(module, time);
        var link = coordinator.GetNode(Node);

        var send = link.SendAsync(new byte[] { 1, 2, 3 });
        await FakeClock.WaitUntilAsync(() => coordinator.TransmitFailures == 1);
        await Task.Delay(50);
        Assert.Equal(1, attempts);
        await time.AdvanceUntilAsync(() => attempts == 2, Options.RetryBackoff);
        await send.Bounded();

        Assert.Equal(2, attempts);
        Assert.Equal(1, coordinator.TransmitFailures);
        Assert.Equal(new XBeeAddress16(0x1234), link.Address16);
        var segment = module.Received.OfType<TransmitRequest>().Last().Data.ToArray();
        Assert.True(SegmentHeader.TryDecode(segment, out var header) && header.IsLast && header.Index == 0);
    }

    [Fact]
    public async Task FrameIds_ManyRequests_CycleOneTo255AndNeverZero()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time);
        var before = module.Received.Count;

        for (var i = 0; i < 300; i++)
        {
            await coordinator.SendAtCommandAsync("VR").Bounded();
        }

        var ids = module.Received.Skip(before).OfType<AtCommand>().Select(a => (int)a.FrameId).ToArray();
        Assert.DoesNotContain(0, ids);
        Assert.Equal(255, ids.Distinct().Count());
        Assert.Equal(ids[0] == 255 ? 1 : ids[0] + 1, ids[1]);
    }

    [Fact]
    public async Task Receive_GarbageBadChecksumsAndMalformedFrames_AreCountedAndTheNextMessageArrives()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time);
        var good = new ReceivePacket(Node, new XBeeAddress16(0x2222), ReceiveOptions.PacketAcknowledged, new byte[] { 0x81, 7, 0, 0xAB });
        var badChecksum = good.Encode(XBeeApiMode.Api);
        badChecksum[^1] ^= 0xFF;

        await module.SendRawAsync([0x00, 0x11, .. badChecksum, .. XBeeFrameCodec.Encode(new byte[] { 0x8B, 0x01 }, XBeeApiMode.Api), .. good.Encode(XBeeApiMode.Api)]);
        var join = await coordinator.Joins.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(NodeJoinReason.FirstHeard, join.Reason);
        Assert.Equal([0xAB], (await join.Node.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).ToArray());
        Assert.Equal(1, coordinator.ChecksumErrors);
        Assert.Equal(1, coordinator.MalformedFrames);
        Assert.True(coordinator.GarbageBytes >= 2);
    }

    [Fact]
    public async Task Receive_MoreNodesThanTheCap_RefusesTheRest()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time, Options with { MaxNodes = 3 });

        for (var i = 0; i < 5; i++)
        {
            await module.SendAsync(new ReceivePacket(new XBeeAddress64((ulong)i + 1), new XBeeAddress16((ushort)i), ReceiveOptions.None, new byte[] { 0x81, 0, 0, 1 }));
        }

        await module.SendAsync(new AtCommandResponse(0, "VR", AtCommandStatus.Ok, ReadOnlyMemory<byte>.Empty));
        await FakeClock.WaitUntilAsync(() => coordinator.UnmatchedResponses == 1);

        Assert.Equal(3, coordinator.Nodes.Count);
        Assert.Equal(2, coordinator.NodesRefused);
        Assert.Throws<XBeeException>(() => coordinator.GetNode(new XBeeAddress64(99)));
    }

    [Fact]
    public async Task Receive_QueueFull_DropsAndCountsWholeMessages()
    {
        var time = new FakeTimeProvider();
        await using var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time, Options with { NodeReceiveQueueCapacity = 2 });

        for (var i = 0; i < 5; i++)
        {
            await module.SendAsync(new ReceivePacket(Node, new XBeeAddress16(1), ReceiveOptions.None, new byte[] { 0x81, (byte)i, 0, (byte)i }));
        }

        await FakeClock.WaitUntilAsync(() => coordinator.TryGetNode(Node, out var n) && n.ReceiveDrops == 3);
        coordinator.TryGetNode(Node, out var link);

        Assert.Equal(5, link.MessagesReceived);
        Assert.True(link.TryReceive(out var first));
        Assert.Equal([0], first.ToArray());
    }

    [Fact]
    public async Task StreamEnd_FailsPendingRequestsAndCompletesLinksWithAnError()
    {
        var time = new FakeTimeProvider();
        var module = new ScriptedModule();
        await using var coordinator = await StartAsync(module, time);
        var link = coordinator.GetNode(Node);
        module.Answer = frame => frame is AtCommand { Command: "VR" } ? [] : null;
        var pending = coordinator.SendAtCommandAsync("VR");

        await module.DisposeAsync();

        await Assert.ThrowsAsync<XBeeException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<XBeeException>(() => link.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<XBeeException>(() => coordinator.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
