using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee.Emulator.Tests;

/// <summary>The driver, through System.IO.Ports on a real /dev/pts/N, against the emulated module on the master side.</summary>
public class CoordinatorOverPtyTests
{
    private static CancellationTokenSource Deadline() => new(TimeSpan.FromSeconds(15));

    private static byte[] Message(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed))];

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public async Task OpenAsync_EitherApiMode_ReadsApNpAndAddresses(XBeeApiMode mode)
    {
        using var deadline = Deadline();
        // An address full of bytes mode 2 escapes, so SH and SL come back escaped.
        var options = TestBed.ModuleOptions(mode) with { Address64 = new XBeeAddress64(0x0013A2007E7D1113) };
        await using var bed = await TestBed.StartAsync(deadline.Token, options);

        Assert.Equal(mode, bed.Coordinator.ApiMode);
        Assert.Equal(84, bed.Coordinator.MaxPayload);
        Assert.Equal(new XBeeAddress64(0x0013A2007E7D1113), bed.Coordinator.Address64);
        Assert.Equal(XBeeAddress16.Coordinator, bed.Coordinator.Address16);
        Assert.Equal(TimeSpan.FromMilliseconds(500), bed.Coordinator.NodeDiscoveryTimeout);
    }

    [Fact]
    public async Task DiscoverNodesAsync_ThreeNodes_FindsThemAndAnnouncesThem()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token, before: module =>
        {
            for (var i = 1; i <= 3; i++)
            {
                module.AddNode(TestBed.Address(i), new XBeeAddress16((ushort)(0x1000 + i)), $"METER-{i}", announce: false);
            }
        });

        var found = await bed.Coordinator.DiscoverNodesAsync(deadline.Token).WaitAsync(deadline.Token);

        Assert.Equal(["METER-1", "METER-2", "METER-3"], found.Select(n => n.NodeIdentifier).Order());
        Assert.Equal(new XBeeAddress16(0x1002), found.Single(n => n.Address64 == TestBed.Address(2)).Address16);
        for (var i = 0; i < 3; i++)
        {
            var join = await bed.Coordinator.Joins.ReadAsync(deadline.Token);
            Assert.Equal(NodeJoinReason.Discovered, join.Reason);
        }

        Assert.True(bed.Coordinator.TryGetNode(TestBed.Address(3), out var link));
        Assert.Equal(new XBeeAddress16(0x1003), link.Address16);
    }

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public async Task Messages_LargerThanNp_GoBothWaysThroughSegmentation(XBeeApiMode mode)
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token, TestBed.ModuleOptions(mode));
        var meter = bed.Module.AddNode(TestBed.Address(1), new XBeeAddress16(0x2001), "METER-1");
        var link = bed.Coordinator.GetNode(TestBed.Address(1));
        var down = Message(1000, 1);
        var up = Message(700, 2);

        await link.SendAsync(down, deadline.Token).WaitAsync(deadline.Token);
        Assert.Equal(down, await meter.ReceiveMessageAsync(deadline.Token).WaitAsync(deadline.Token));

        await meter.SendMessageAsync(up, deadline.Token).WaitAsync(deadline.Token);
        Assert.Equal(up, (await link.ReceiveAsync(deadline.Token)).ToArray());

        Assert.Equal(new XBeeAddress16(0x2001), link.Address16);
        Assert.Equal(0, bed.Coordinator.ChecksumErrors + bed.Coordinator.MalformedFrames + bed.Module.FramesDropped);
    }

    [Fact]
    public async Task Messages_With10PercentLoss_AllArriveThroughRetries()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var link = new LinkModel { LossRate = 0.10, MacRetries = 0, Seed = 7 };
        await using var bed = await TestBed.StartAsync(deadline.Token, TestBed.ModuleOptions(link: link), TestBed.DriverOptions(retries: 6));
        var meter = bed.Module.AddNode(TestBed.Address(1), new XBeeAddress16(0x2001), "METER-1");
        var node = bed.Coordinator.GetNode(TestBed.Address(1));

        for (var i = 0; i < 20; i++)
        {
            var down = Message(200 + i, i);
            await node.SendAsync(down, deadline.Token).WaitAsync(deadline.Token);
            Assert.Equal(down, await meter.ReceiveMessageAsync(deadline.Token).WaitAsync(deadline.Token));

            var up = Message(180 + i, i + 100);
            await meter.SendMessageAsync(up, deadline.Token).WaitAsync(deadline.Token);
            Assert.Equal(up, (await node.ReceiveAsync(deadline.Token)).ToArray());
        }

        Assert.True(bed.Coordinator.TransmitFailures > 0, "the loss should have failed some deliveries");
        Assert.Equal(bed.Coordinator.TransmitFailures, bed.Coordinator.TransmitAttempts - bed.Module.Nodes.Single().PayloadsReceived);
    }

    [Fact]
    public async Task SendAsync_EveryStatusFailed_ThrowsAfterTheBoundedRetries()
    {
        using var deadline = Deadline();
        var link = new LinkModel { TransmitStatusFailureRate = 1.0 };
        await using var bed = await TestBed.StartAsync(deadline.Token, TestBed.ModuleOptions(link: link), TestBed.DriverOptions(retries: 2));
        var meter = bed.Module.AddNode(TestBed.Address(1), new XBeeAddress16(0x2001), "METER-1");
        var node = bed.Coordinator.GetNode(TestBed.Address(1));

        var e = await Assert.ThrowsAsync<XBeeDeliveryException>(() => node.SendAsync(Message(10, 0), deadline.Token).WaitAsync(deadline.Token));

        Assert.Equal(DeliveryStatus.MacAckFailure, e.Status!.Delivery);
        Assert.Equal(3, e.Attempts);
        Assert.True(e.IsTransient);
        Assert.Equal(3, bed.Coordinator.TransmitAttempts);
        Assert.Equal(3, bed.Coordinator.TransmitFailures);
        // Each attempt reached the meter but its acknowledgement was lost; the meter's reassembler keeps one message.
        Assert.Equal(3, meter.PayloadsReceived);
        Assert.Equal(Message(10, 0), await meter.ReceiveMessageAsync(deadline.Token).WaitAsync(deadline.Token));
        while (meter.TryReceive(out var again))
        {
            Assert.Equal(SegmentOutcome.Duplicate, meter.Reassembler.Accept(bed.Module.Options.Address64, again.Span, out _));
        }

        Assert.Equal(2, meter.Reassembler.Duplicates);
    }

    [Fact]
    public async Task TransmitAsync_UnknownNode_ReturnsAddressNotFoundAfterRetries()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token, driver: TestBed.DriverOptions(retries: 1));

        var status = await bed.Coordinator.TransmitAsync(TestBed.Address(99), XBeeAddress16.Unknown, new byte[] { 1, 2, 3 }, deadline.Token);

        Assert.Equal(DeliveryStatus.AddressNotFound, status.Delivery);
        Assert.Equal(DiscoveryStatus.AddressDiscovery, status.Discovery);
        Assert.Equal(2, bed.Coordinator.TransmitAttempts);
    }

    [Fact]
    public async Task Joins_NodeIdentificationAndFirstHeard_AreAnnounced()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token);

        bed.Module.AddNode(TestBed.Address(1), new XBeeAddress16(0x3001), "JOINED");
        var joined = await bed.Coordinator.Joins.ReadAsync(deadline.Token);
        Assert.Equal(NodeJoinReason.NodeIdentification, joined.Reason);
        Assert.Equal("JOINED", joined.Node.NodeIdentifier);
        Assert.Equal(new XBeeAddress16(0x3001), joined.Node.Address16);

        var quiet = bed.Module.AddNode(TestBed.Address(2), new XBeeAddress16(0x3002), "QUIET", announce: false);
        Assert.Equal(DeliveryStatus.Success, await quiet.SendAsync(new byte[] { 0x81, 0x00, 0x00, 0x42 }, deadline.Token));
        var heard = await bed.Coordinator.Joins.ReadAsync(deadline.Token);
        Assert.Equal(NodeJoinReason.FirstHeard, heard.Reason);
        Assert.Equal(TestBed.Address(2), heard.Node.Address64);
        Assert.Equal([0x42], (await heard.Node.ReceiveAsync(deadline.Token)).ToArray());
    }

    [Fact]
    public async Task SendAtCommandAsync_ModuleSettings_AnswerAsAModuleDoes()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token);
        var coordinator = bed.Coordinator;

        Assert.Equal(AtCommandStatus.InvalidCommand, (await coordinator.SendAtCommandAsync("ZZ", default, deadline.Token)).Status);
        Assert.Equal(AtCommandStatus.Error, (await coordinator.SendAtCommandAsync("NP", new byte[] { 0x10 }, deadline.Token)).Status);
        Assert.Equal("4060", Convert.ToHexString((await coordinator.SendAtCommandAsync("VR", default, deadline.Token)).Data.Span));
        Assert.Equal(2, (await coordinator.SendAtCommandAsync("HV", default, deadline.Token)).Data.Length);
        Assert.Equal([0x0F], (await coordinator.SendAtCommandAsync("CH", default, deadline.Token)).Data.ToArray());
        Assert.Equal([0x00], (await coordinator.SendAtCommandAsync("AI", default, deadline.Token)).Data.ToArray());
        Assert.Equal(8, (await coordinator.SendAtCommandAsync("ID", default, deadline.Token)).Data.Length);
        Assert.Equal("COORDINATOR", System.Text.Encoding.ASCII.GetString((await coordinator.SendAtCommandAsync("NI", default, deadline.Token)).Data.Span));
        Assert.Equal(AtCommandStatus.Ok, (await coordinator.SendAtCommandAsync("NI", "HES-1"u8.ToArray(), deadline.Token)).Status);
        Assert.Equal("HES-1", System.Text.Encoding.ASCII.GetString((await coordinator.SendAtCommandAsync("NI", default, deadline.Token)).Data.Span));
        Assert.Equal(AtCommandStatus.InvalidParameter, (await coordinator.SendAtCommandAsync("AP", new byte[] { 5 }, deadline.Token)).Status);
        Assert.Equal(AtCommandStatus.Ok, (await coordinator.SendAtCommandAsync("WR", default, deadline.Token)).Status);
    }

    [Fact]
    public async Task SendAtCommandAsync_ApTwo_SwitchesBothSidesToEscapedFraming()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token);
        var meter = bed.Module.AddNode(TestBed.Address(1), new XBeeAddress16(0x7D11), "METER-1");

        Assert.Equal(AtCommandStatus.Ok, (await bed.Coordinator.SendAtCommandAsync("AP", new byte[] { 2 }, deadline.Token)).Status);

        Assert.Equal(XBeeApiMode.ApiEscaped, bed.Module.ApiMode);
        Assert.Equal(XBeeApiMode.ApiEscaped, bed.Coordinator.ApiMode);
        var message = Message(300, 0x7E);
        await bed.Coordinator.GetNode(TestBed.Address(1)).SendAsync(message, deadline.Token).WaitAsync(deadline.Token);
        Assert.Equal(message, await meter.ReceiveMessageAsync(deadline.Token).WaitAsync(deadline.Token));
        Assert.Equal([2], (await bed.Coordinator.SendAtCommandAsync("AP", default, deadline.Token)).Data.ToArray());
    }

    [Fact]
    public async Task SendRemoteAtCommandAsync_NodeIdentifier_AnswersFromTheNode()
    {
        using var deadline = Deadline();
        await using var bed = await TestBed.StartAsync(deadline.Token);
        bed.Module.AddNode(TestBed.Address(4), new XBeeAddress16(0x4004), "METER-4", announce: false);

        var response = await bed.Coordinator.SendRemoteAtCommandAsync(TestBed.Address(4), XBeeAddress16.Unknown, "NI", cancellationToken: deadline.Token);
        var missing = await bed.Coordinator.SendRemoteAtCommandAsync(TestBed.Address(5), XBeeAddress16.Unknown, "NI", cancellationToken: deadline.Token);

        Assert.Equal(AtCommandStatus.Ok, response.Status);
        Assert.Equal("METER-4", System.Text.Encoding.ASCII.GetString(response.Data.Span));
        Assert.Equal(new XBeeAddress16(0x4004), response.Source16);
        Assert.Equal(AtCommandStatus.TransmissionFailure, missing.Status);
    }

    [Fact]
    public async Task DisposeAsync_Module_EndsTheDriverLinksWithALinkError()
    {
        using var deadline = Deadline();
        var bed = await TestBed.StartAsync(deadline.Token);
        var link = bed.Coordinator.GetNode(TestBed.Address(1));

        await bed.Coordinator.DisposeAsync();

        await link.Completion.WaitAsync(deadline.Token);
        await Assert.ThrowsAsync<XBeeException>(async () => await link.ReceiveAsync(deadline.Token));
        await bed.DisposeAsync();
    }
}
