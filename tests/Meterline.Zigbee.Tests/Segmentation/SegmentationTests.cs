using CsCheck;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Zigbee.Tests.Segmentation;

public class SegmentationTests
{
    private const int Np = 84;
    private const int PerSegment = Np - SegmentHeader.Length;
    private static readonly XBeeAddress64 Node = new(0x0013A20040000002);

    private static byte[] Message(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(PerSegment - 1)]
    [InlineData(PerSegment)]
    [InlineData(PerSegment + 1)]
    [InlineData((2 * PerSegment) - 1)]
    [InlineData(2 * PerSegment)]
    [InlineData((2 * PerSegment) + 1)]
    [InlineData(4096)]
    public void SplitThenAccept_AroundBoundaries_RoundTrips(int length)
    {
        var segmenter = new Segmenter(Np);
        var reassembler = new Reassembler();
        var message = Message(length);

        var segments = segmenter.Split(message);

        Assert.Equal(segmenter.GetSegmentCount(length), segments.Count);
        Assert.All(segments, s => Assert.InRange(s.Length, SegmentHeader.Length, Np));
        for (var i = 0; i < segments.Count; i++)
        {
            var outcome = reassembler.Accept(Node, segments[i], out var whole);
            if (i < segments.Count - 1)
            {
                Assert.Equal(SegmentOutcome.Accepted, outcome);
            }
            else
            {
                Assert.Equal(SegmentOutcome.MessageComplete, outcome);
                Assert.Equal(message, whole);
            }
        }

        Assert.Equal(0, reassembler.PartialCount);
    }

    [Fact]
    public void Split_SmallMessage_StillCarriesTheHeader()
    {
        var segment = Assert.Single(new Segmenter(Np).Split([0xAA], messageId: 9));

        Assert.Equal("8109" + "00" + "AA", Hex.Of(segment));
    }

    [Fact]
    public void Accept_SegmentsInReverseOrder_Completes()
    {
        var message = Message(500);
        var segments = new Segmenter(Np).Split(message).Reverse().ToArray();
        var reassembler = new Reassembler();
        byte[]? whole = null;

        foreach (var segment in segments)
        {
            reassembler.Accept(Node, segment, out whole);
        }

        Assert.Equal(message, whole);
    }

    [Fact]
    public void Accept_DuplicatedSegments_AreIgnoredAndTheMessageDeliveredOnce()
    {
        var message = Message(300);
        var segments = new Segmenter(Np).Split(message);
        var reassembler = new Reassembler();
        var completed = 0;

        foreach (var segment in segments.SelectMany(s => new[] { s, s }).Concat(segments))
        {
            if (reassembler.Accept(Node, segment, out var whole) == SegmentOutcome.MessageComplete)
            {
                completed++;
                Assert.Equal(message, whole);
            }
        }

        Assert.Equal(1, completed);
        Assert.Equal(segments.Count * 2, reassembler.Duplicates);
    }

    [Fact]
    public void Accept_SameIdFromTwoSources_KeepsThemApart()
    {
        var a = new Segmenter(Np).Split(Message(200), 5);
        var b = new Segmenter(Np).Split(Message(150), 5);
        var reassembler = new Reassembler();
        var other = new XBeeAddress64(0x0013A20040000003);

        reassembler.Accept(Node, a[0], out _);
        reassembler.Accept(other, b[0], out _);
        reassembler.Accept(Node, a[1], out _);
        reassembler.Accept(other, b[1], out _);

        Assert.Equal(SegmentOutcome.MessageComplete, reassembler.Accept(Node, a[2], out var first));
        Assert.Equal(200, first!.Length);
    }

    [Fact]
    public void PurgeExpired_AfterTheTimeout_DropsAndCountsPartials()
    {
        var time = new FakeTimeProvider();
        var reassembler = new Reassembler(new ReassemblerOptions { Timeout = TimeSpan.FromSeconds(30) }, time);
        var segments = new Segmenter(Np).Split(Message(200));
        reassembler.Accept(Node, segments[0], out _);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, reassembler.PurgeExpired());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, reassembler.PurgeExpired());

        Assert.Equal(1, reassembler.TimedOut);
        Assert.Equal(0, reassembler.PartialCount);
        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(Node, segments[2], out _));
    }

    [Fact]
    public void Split_OverTheMaximum_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new Segmenter(Np, maxMessageSize: 1000).Split(new byte[1001]));

    [Fact]
    public void Accept_MessageGrowingOverTheMaximum_DropsIt()
    {
        var reassembler = new Reassembler(new ReassemblerOptions { MaxMessageSize = 200 });
        var segments = new Segmenter(Np).Split(Message(400), 1);

        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(Node, segments[0], out _));
        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(Node, segments[1], out _));
        Assert.Equal(SegmentOutcome.TooLarge, reassembler.Accept(Node, segments[2], out _));

        Assert.Equal(1, reassembler.OversizeMessages);
        Assert.Equal(0, reassembler.PartialCount);
    }

    [Fact]
    public void Accept_TooManyPartials_RefusesPerSourceAndInTotal()
    {
        var reassembler = new Reassembler(new ReassemblerOptions { MaxPartialsPerSource = 2, MaxPartialsTotal = 3 });
        var first = (byte id) => new Segmenter(Np).Split(Message(200), id)[0];

        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(Node, first(1), out _));
        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(Node, first(2), out _));
        Assert.Equal(SegmentOutcome.LimitReached, reassembler.Accept(Node, first(3), out _));
        Assert.Equal(SegmentOutcome.Accepted, reassembler.Accept(new XBeeAddress64(9), first(1), out _));
        Assert.Equal(SegmentOutcome.LimitReached, reassembler.Accept(new XBeeAddress64(10), first(1), out _));

        Assert.Equal(2, reassembler.LimitRefusals);
        Assert.Equal(3, reassembler.PartialCount);
    }

    [Fact]
    public void Accept_IndexPastTheLast_IsOutOfRange()
    {
        var reassembler = new Reassembler();
        var segments = new Segmenter(Np).Split(Message(200), 4);
        reassembler.Accept(Node, segments[2], out _);

        Assert.Equal(SegmentOutcome.OutOfRange, reassembler.Accept(Node, [0x01, 4, 3, 0xAA], out _));
        Assert.Equal(SegmentOutcome.OutOfRange, reassembler.Accept(Node, [0x81, 4, 1, 0xAA], out _));
        Assert.Equal(2, reassembler.OutOfRangeSegments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8101")]
    [InlineData("820100")]
    [InlineData("910100")]
    public void Accept_BadHeader_IsMalformed(string hex)
    {
        var reassembler = new Reassembler();

        Assert.Equal(SegmentOutcome.Malformed, reassembler.Accept(Node, Hex.Bytes(hex), out var message));
        Assert.Null(message);
    }

    [Fact]
    public void Accept_RandomSegmentStreams_NeverThrowNorExceedTheBounds()
    {
        var options = new ReassemblerOptions { MaxMessageSize = 1000, MaxPartialsPerSource = 3, MaxPartialsTotal = 5 };
        var segment = Gen.Select(Gen.Int[0, 3], Gen.OneOf<byte>(0x01, 0x81, 0x00, 0xFF), Gen.Byte[0, 4], Gen.Byte, Gen.Byte.Array[0, 90]);
        segment.Array[1, 200].Sample(stream =>
        {
            var reassembler = new Reassembler(options);
            foreach (var (source, flags, id, index, data) in stream)
            {
                var outcome = reassembler.Accept(new XBeeAddress64((ulong)source), [flags, id, index, .. data], out var message);
                Assert.True(outcome != SegmentOutcome.MessageComplete || message!.Length <= options.MaxMessageSize);
                Assert.InRange(reassembler.PartialCount, 0, options.MaxPartialsTotal);
            }
        }, iter: 500);
    }
}
