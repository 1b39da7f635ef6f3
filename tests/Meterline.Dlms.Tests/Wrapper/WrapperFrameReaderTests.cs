using System.Buffers;
using Meterline.Dlms.Tests.Support;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Tests.Wrapper;

public class WrapperFrameReaderTests
{
    // IEC 62056-47 header: version 0001, source wPort 0010 (client 16), destination wPort 0001, length 000D,
    // followed by the Green Book GET-Request for the clock.
    private static readonly byte[] Frame = Convert.FromHexString("000100100001000D" + "C0010000080000010000FF0200");

    [Fact]
    public void Encode_GetRequest_WritesTheHeader()
    {
        var frame = new WrapperFrame(16, 1, Frame[8..]);
        Assert.Equal(Frame, frame.ToArray());
    }

    [Fact]
    public void TryRead_SplitAtEveryOffset_ReadsOnceComplete()
    {
        for (var split = 1; split < Frame.Length; split++)
        {
            var reader = new WrapperFrameReader();
            var head = new ReadOnlySequence<byte>(Frame[..split]);
            Assert.False(reader.TryRead(ref head, out _));
            var buffer = Segments.Of(head.ToArray(), Frame[split..]);
            Assert.True(reader.TryRead(ref buffer, out var frame));
            Assert.Equal(Frame, frame.ToArray());
            Assert.Equal(0, buffer.Length);
        }
    }

    [Fact]
    public void TryRead_TwoFramesInOneChunk_ReadsBoth()
    {
        var buffer = new ReadOnlySequence<byte>([.. Frame, .. Frame]);
        var reader = new WrapperFrameReader();
        Assert.True(reader.TryRead(ref buffer, out _));
        Assert.True(reader.TryRead(ref buffer, out _));
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(2, reader.FramesRead);
    }

    [Fact]
    public void TryRead_LeadingGarbage_SkipsToAValidVersion()
    {
        var buffer = new ReadOnlySequence<byte>([0xFF, 0x00, 0x02, 0x13, .. Frame]);
        var reader = new WrapperFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(Frame, frame.ToArray());
        Assert.Equal(4, reader.GarbageBytes);
    }

    [Fact]
    public void TryRead_LengthFFFFWithTwoBytesBehind_IsDroppedNotAwaited()
    {
        var buffer = new ReadOnlySequence<byte>([0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0xFF, 0xFF, 0xC0, 0x01]);
        var reader = new WrapperFrameReader();
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(1, reader.OversizeFrames);
        Assert.True(buffer.Length < 2, "nothing may stay buffered behind a lying length");
    }

    [Fact]
    public void TryRead_GarbageSplitAcrossReadsThenAFrameThenGarbage_CountsTwoRuns()
    {
        var reader = new WrapperFrameReader();
        var first = new ReadOnlySequence<byte>([0x47, 0x45, 0x54]);
        Assert.False(reader.TryRead(ref first, out _));
        var second = new ReadOnlySequence<byte>([.. first.ToArray(), 0x20, 0x2F, .. Frame, 0xFF, 0xFF]);
        Assert.True(reader.TryRead(ref second, out _));
        Assert.False(reader.TryRead(ref second, out _));
        Assert.Equal(2, reader.GarbageRuns);
        Assert.Equal(6, reader.GarbageBytes);
    }

    [Fact]
    public void TryRead_OversizeHeaderThenItsBodyThenAFrame_BodyStartsNoGarbageRun()
    {
        var buffer = new ReadOnlySequence<byte>([0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0x13, 0x88, .. Enumerable.Repeat((byte)0xEE, 100), .. Frame]);
        var reader = new WrapperFrameReader();
        Assert.True(reader.TryRead(ref buffer, out var frame));
        Assert.Equal(Frame, frame.ToArray());
        Assert.Equal(1, reader.OversizeFrames);
        Assert.Equal(0, reader.GarbageRuns);
        Assert.Equal(108, reader.GarbageBytes);
    }

    [Fact]
    public void TryRead_LengthWithinLimit_WaitsForTheRest()
    {
        var buffer = new ReadOnlySequence<byte>(Frame[..10]);
        Assert.False(new WrapperFrameReader().TryRead(ref buffer, out _));
        Assert.Equal(10, buffer.Length);
    }

    [Theory]
    [InlineData("0001001000010005C001")]
    [InlineData("000100100001")]
    [InlineData("0002001000010002C001")]
    [InlineData("0001001000010001C001")]
    public void DecodeDatagram_HeaderDisagreeingWithDatagram_Throws(string hex)
    {
        Assert.Throws<DlmsFormatException>(() => WrapperFrame.DecodeDatagram(Convert.FromHexString(hex)));
    }

    [Fact]
    public void DecodeDatagram_ExactFrame_Decodes()
    {
        var frame = WrapperFrame.DecodeDatagram(Frame);
        Assert.Equal(16, frame.SourceWPort);
        Assert.Equal(1, frame.DestinationWPort);
        Assert.Equal(Frame[8..], frame.Apdu.ToArray());
    }
}
