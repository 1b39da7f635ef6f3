using System.Threading.Channels;
using Meterline.Gateway;
using Meterline.HeadEnd.Ingest;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>The push adapter over a channel of pushes, as the concentrator fills it.</summary>
public sealed class ZigbeePushAdapterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly XBeeAddress64 Radio = new(0x0013A2004D540001);
    private static readonly DateTimeOffset Arrival = new(2026, 3, 1, 10, 15, 0, TimeSpan.Zero);

    private static ZigbeePush Push(byte first, ushort destination = 1, int length = 40) =>
        new(Radio, 1, destination, Enumerable.Repeat(first, length).ToArray(), Arrival);

    private static async Task<(ZigbeePushAdapter Adapter, Task Running)> RunAsync(Channel<ZigbeePush> pushes, IInboundFrameSink sink, CancellationToken cancellationToken = default)
    {
        var adapter = new ZigbeePushAdapter(pushes.Reader, sink);
        var running = adapter.RunAsync(cancellationToken);
        await Task.Yield();
        return (adapter, running);
    }

    [Fact]
    public async Task Run_PushToThePushWPort_SubmittedWithTheRadiosLinkIdSourceAndArrivalTime()
    {
        var pushes = Channel.CreateUnbounded<ZigbeePush>();
        var sink = new RecordingFrameSink();
        var (adapter, running) = await RunAsync(pushes, sink);

        pushes.Writer.TryWrite(Push(0xDB));
        var frame = await sink.Frames.ReadAsync().AsTask().WaitAsync(Bound);
        pushes.Writer.Complete();
        await running.WaitAsync(Bound);

        Assert.Equal("zigbee:0013A2004D540001", frame.LinkId);
        Assert.Equal("0013A2004D540001", frame.Source);
        Assert.Equal(Arrival, frame.ReceivedAt);
        Assert.Equal(Enumerable.Repeat((byte)0xDB, 40), frame.Apdu.ToArray());
        Assert.Null(frame.Acknowledgement);
        Assert.Equal((1, 1, 0L), (adapter.Submitted, adapter.Queued, adapter.Dropped));
    }

    [Fact]
    public async Task Run_FrameForAClientWPortOrTooLarge_DroppedCountedAndTheNextStillSubmitted()
    {
        var pushes = Channel.CreateUnbounded<ZigbeePush>();
        var sink = new RecordingFrameSink();
        var (adapter, running) = await RunAsync(pushes, sink);

        pushes.Writer.TryWrite(Push(0x01, destination: 48));
        pushes.Writer.TryWrite(Push(0x02, length: 4097));
        pushes.Writer.TryWrite(Push(0x03, length: 4096));
        pushes.Writer.Complete();
        await running.WaitAsync(Bound);

        var frame = await sink.Frames.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(0x03, frame.Apdu.Span[0]);
        Assert.False(sink.Frames.TryRead(out _));
        Assert.Equal(1, adapter.Misaddressed);
        Assert.Equal(1, adapter.Oversized);
        var oversize = Assert.Single(sink.Unread);
        Assert.Equal(IngestRejectReason.Oversize, oversize.Reason);
        Assert.Equal("zigbee:" + oversize.Source, oversize.LinkId);
        Assert.Equal(2, adapter.Dropped);
        Assert.Equal(1, adapter.Submitted);
    }

    [Fact]
    public async Task Run_SinkRefusesOrThrows_CountedAndTheAdapterGoesOn()
    {
        var pushes = Channel.CreateUnbounded<ZigbeePush>();
        var sink = new RecordingFrameSink(frame => frame.Apdu.Span[0] switch
        {
            0x01 => FrameAdmission.Rejected(IngestRejectReason.UnknownSystemTitle),
            0x02 => FrameAdmission.Shed,
            0x03 => throw new InvalidOperationException("the store is down"),
            _ => FrameAdmission.Queued,
        });
        var (adapter, running) = await RunAsync(pushes, sink);

        foreach (var first in new byte[] { 0x01, 0x02, 0x03, 0x04 })
        {
            pushes.Writer.TryWrite(Push(first));
        }

        pushes.Writer.Complete();
        await running.WaitAsync(Bound);

        Assert.Equal(4, adapter.Submitted);
        Assert.Equal(2, adapter.Refused);
        Assert.Equal(1, adapter.SubmitFailures);
        Assert.Equal(1, adapter.Queued);
        Assert.Equal(1, adapter.Dropped);
    }

    [Fact]
    public async Task Run_Cancelled_ReturnsNormallyAndSubmitsNothingMore()
    {
        var pushes = Channel.CreateUnbounded<ZigbeePush>();
        var sink = new RecordingFrameSink();
        using var stop = new CancellationTokenSource();
        var (adapter, running) = await RunAsync(pushes, sink, stop.Token);

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        pushes.Writer.TryWrite(Push(0x01));

        Assert.True(running.IsCompletedSuccessfully);
        Assert.Equal(0, adapter.Submitted);
        Assert.False(sink.Frames.TryRead(out _));
    }

    [Theory]
    [InlineData(0, 4096)]
    [InlineData(1, 15)]
    [InlineData(1, 65536)]
    public void Constructor_OptionsOutOfRange_Refused(ushort pushWPort, int maxApduLength)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ZigbeePushAdapter(
            Channel.CreateUnbounded<ZigbeePush>().Reader,
            new RecordingFrameSink(),
            new ZigbeePushAdapterOptions { PushWPort = pushWPort, MaxApduLength = maxApduLength }));
    }
}
