using System.Buffers;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Tests.Support;

namespace Meterline.Dlms.Tests.Hdlc;

public class HdlcFrameReaderTests
{
    private static readonly byte[] Ua = Convert.FromHexString(HdlcFrameTests.Ua);
    private static readonly byte[] Snrm = Convert.FromHexString(HdlcFrameTests.Snrm);

    [Fact]
    public void TryRead_FrameSplitAtEveryOffset_ReadsItOnceComplete()
    {
        for (var split = 1; split < Ua.Length; split++)
        {
            var reader = new HdlcFrameReader();
            var first = new ReadOnlySequence<byte>(Ua[..split]);
            Assert.False(reader.TryRead(ref first, out _));
            var rest = Segments.Of(first.ToArray(), Ua[split..]);
            Assert.True(reader.TryRead(ref rest, out var frame), $"split at {split}");
            Assert.Equal(Ua, frame.ToArray());
            Assert.Equal(1, rest.Length);
            Assert.Equal(0, reader.ChecksumErrors);
        }
    }

    [Fact]
    public void TryRead_SequenceSplitAtEveryOffset_ReadsTheSameFrame()
    {
        for (var split = 1; split < Ua.Length; split++)
        {
            var buffer = Segments.SplitAt(Ua, split);
            Assert.True(new HdlcFrameReader().TryRead(ref buffer, out var frame));
            Assert.Equal(Ua, frame.ToArray());
        }
    }

    [Fact]
    public void TryRead_TwoFramesInOneChunk_ReadsBoth()
    {
        var buffer = new ReadOnlySequence<byte>([.. Snrm, .. Ua]);
        var reader = new HdlcFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var first));
        Assert.True(reader.TryRead(ref buffer, out var second));
        Assert.Equal(HdlcFrameType.SetNormalResponseMode, first.Control.FrameType);
        Assert.Equal(HdlcFrameType.UnnumberedAcknowledge, second.Control.FrameType);
        Assert.False(reader.TryRead(ref buffer, out _));
    }

    [Fact]
    public void TryRead_SharedFlagBetweenFrames_ReadsBoth()
    {
        // The closing flag of the first frame opens the second (IEC 62056-46 §6.4.1).
        var buffer = new ReadOnlySequence<byte>([.. Snrm, .. Ua[1..]]);
        var reader = new HdlcFrameReader();
        Assert.True(reader.TryRead(ref buffer, out _));
        Assert.True(reader.TryRead(ref buffer, out var second));
        Assert.Equal(Ua, second.ToArray());
    }

    [Fact]
    public void TryRead_LeadingGarbage_ResynchronisesAndCountsIt()
    {
        byte[] garbage = [0x00, 0x13, 0x7E, 0x55, 0xA0, 0x7E, 0xFF];
        var buffer = new ReadOnlySequence<byte>([.. garbage, .. Ua]);
        var reader = new HdlcFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(Ua, frame.ToArray());
        Assert.True(reader.GarbageBytes >= 5);
    }

    [Fact]
    public void TryRead_BadFcs_DropsAndCountsThenReadsNext()
    {
        var bad = (byte[])Ua.Clone();
        bad[^2] ^= 0x01;
        var buffer = new ReadOnlySequence<byte>([.. bad, .. Snrm]);
        var reader = new HdlcFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(HdlcFrameType.SetNormalResponseMode, frame.Control.FrameType);
        Assert.Equal(1, reader.ChecksumErrors);
    }

    [Fact]
    public void TryRead_BadHcs_DropsAndCounts()
    {
        var bad = (byte[])Ua.Clone();
        bad[8] ^= 0x80;
        HdlcCrc.Write(bad.AsSpan(1, bad.Length - 4), bad.AsSpan(bad.Length - 3, 2));
        var buffer = new ReadOnlySequence<byte>(bad);
        var reader = new HdlcFrameReader();
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(1, reader.ChecksumErrors);
    }

    [Fact]
    public void TryRead_FrameClaiming2047Bytes_IsDroppedWithoutWaiting()
    {
        // Format A7 FF: type 3, length 2047, with a handful of bytes behind it, then a good frame.
        byte[] liar = [0x7E, 0xA7, 0xFF, 0x03, 0x21, 0x10, 0x00, 0x00];
        var buffer = new ReadOnlySequence<byte>([.. liar, .. Snrm]);
        var reader = new HdlcFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(HdlcFrameType.SetNormalResponseMode, frame.Control.FrameType);
        Assert.Equal(1, reader.MalformedFrames);
    }

    [Fact]
    public void TryRead_OnlyALyingHeader_DoesNotWaitForIt()
    {
        var buffer = new ReadOnlySequence<byte>([0x7E, 0xA7, 0xFF, 0x03]);
        var reader = new HdlcFrameReader();
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.True(buffer.Length <= 1, "the lying header must not be kept waiting for 2,047 bytes");
    }

    [Fact]
    public void TryRead_PureGarbage_IsConsumedNotBuffered()
    {
        var buffer = new ReadOnlySequence<byte>(Enumerable.Repeat((byte)0x55, 10_000).ToArray());
        var reader = new HdlcFrameReader();
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
        Assert.Equal(10_000, reader.GarbageBytes);
    }

    [Fact]
    public void TryRead_SegmentedIFrame_KeepsTheSegmentationBit()
    {
        var information = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var frame = new HdlcFrame(HdlcAddress.Client(16), HdlcAddress.Server(1, 17), HdlcControl.Information(0, 0, false), information, Segmented: true);
        var buffer = new ReadOnlySequence<byte>(frame.ToArray());
        Assert.True(new HdlcFrameReader().TryRead(ref buffer, out var back));
        Assert.True(back.Segmented);
        Assert.Equal(frame, back);
    }

    [Fact]
    public void TryRead_InformationLongerThanNegotiated_IsDropped()
    {
        var frame = new HdlcFrame(HdlcAddress.Client(16), HdlcAddress.Server(1, 17), HdlcControl.Information(0, 0, true), new byte[200]);
        var buffer = new ReadOnlySequence<byte>(frame.ToArray());
        var reader = new HdlcFrameReader(maxInformationLength: 128);
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(1, reader.MalformedFrames);
        buffer = new ReadOnlySequence<byte>(frame.ToArray());
        Assert.True(new HdlcFrameReader(maxInformationLength: 256).TryRead(ref buffer, out _));
    }
}
