using System.Buffers;
using CsCheck;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Tests.Frames;

public class XBeeFrameReaderTests
{
    private static readonly TransmitRequest Transmit = new(
        1, new XBeeAddress64(0x0013A20040A1B2C3), XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[] { 0x7E, 0x7D, 0x11, 0x13 });

    private static readonly ModemStatus Joined = new(ModemStatusCode.JoinedNetwork);

    /// <summary>Feeds <paramref name="chunks"/> one after the other as a stream would, keeping unconsumed bytes.</summary>
    private static List<XBeeFrame> Feed(XBeeFrameReader reader, params byte[][] chunks)
    {
        var frames = new List<XBeeFrame>();
        var pending = Array.Empty<byte>();
        foreach (var chunk in chunks)
        {
            var buffer = new ReadOnlySequence<byte>([.. pending, .. chunk]);
            while (reader.TryRead(ref buffer, out var frame))
            {
                frames.Add(frame);
            }

            pending = buffer.ToArray();
        }

        return frames;
    }

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void TryRead_FrameSplitAtEveryOffset_ReadsItOnceWhole(XBeeApiMode mode)
    {
        var bytes = Transmit.Encode(mode);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var reader = new XBeeFrameReader(mode);

            var frames = Feed(reader, bytes[..split], bytes[split..]);

            var frame = Assert.Single(frames);
            Assert.Equal(Hex.Of(bytes), Hex.Of(frame.Encode(mode)));
            Assert.Equal(0, reader.GarbageBytes + reader.ChecksumErrors + reader.InterruptedFrames + reader.LengthErrors);
        }
    }

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void TryRead_ByteByByte_ReadsEveryFrame(XBeeApiMode mode)
    {
        var bytes = Transmit.Encode(mode).Concat(Joined.Encode(mode)).Concat(Transmit.Encode(mode)).ToArray();
        var reader = new XBeeFrameReader(mode);

        var frames = Feed(reader, [.. bytes.Select(b => new[] { b })]);

        Assert.Equal(3, frames.Count);
        Assert.IsType<ModemStatus>(frames[1]);
    }

    [Theory]
    [InlineData(XBeeApiMode.Api, 1)]
    [InlineData(XBeeApiMode.Api, 3)]
    [InlineData(XBeeApiMode.ApiEscaped, 1)]
    [InlineData(XBeeApiMode.ApiEscaped, 2)]
    public void TryRead_MultiSegmentSequence_ReadsEveryFrame(XBeeApiMode mode, int segmentSize)
    {
        byte[] bytes = [0x42, .. Transmit.Encode(mode), .. Joined.Encode(mode), .. Transmit.Encode(mode)];
        var reader = new XBeeFrameReader(mode);
        var buffer = Segments.Of(bytes, segmentSize);
        var frames = new List<XBeeFrame>();

        while (reader.TryRead(ref buffer, out var frame))
        {
            frames.Add(frame);
        }

        Assert.Equal(3, frames.Count);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(1, reader.GarbageBytes);
        Assert.Equal(Hex.Of(Transmit.Encode(mode)), Hex.Of(frames[2].Encode(mode)));
    }

    [Fact]
    public void TryRead_EscapedLengthAndChecksum_Unescapes()
    {
        // 0x13 bytes of frame data: the length's low byte is escaped; the payload is chosen so the checksum is 0x7D.
        var data = new byte[19 - 14];
        var frame = new TransmitRequest(2, new XBeeAddress64(0x0013A20040A1B2C3), XBeeAddress16.Unknown, 0, TransmitOptions.None, data);
        var frameData = frame.EncodeFrameData();
        data[^1] = (byte)(XBeeChecksum.Compute(frameData) - 0x7D);
        frameData = frame.EncodeFrameData();
        Assert.Equal(0x7D, XBeeChecksum.Compute(frameData));

        var bytes = frame.Encode(XBeeApiMode.ApiEscaped);

        Assert.Equal("7E007D33", Hex.Of(bytes.AsSpan(0, 4)));
        Assert.Equal("7D5D", Hex.Of(bytes.AsSpan(bytes.Length - 2)));
        var frames = Feed(new XBeeFrameReader(XBeeApiMode.ApiEscaped), bytes);
        Assert.Equal(Hex.Of(bytes), Hex.Of(Assert.Single(frames).Encode(XBeeApiMode.ApiEscaped)));
    }

    [Fact]
    public void TryRead_TrailingEscape_WaitsWithoutConsumingTheFrame()
    {
        var bytes = Transmit.Encode(XBeeApiMode.ApiEscaped);
        var cut = Array.LastIndexOf(bytes, (byte)0x7D) + 1;
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);
        var buffer = new ReadOnlySequence<byte>(bytes[..cut]);

        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(cut, buffer.Length);

        var rest = new ReadOnlySequence<byte>([.. buffer.ToArray(), .. bytes[cut..]]);
        Assert.True(reader.TryRead(ref rest, out var frame));
        Assert.Equal(Hex.Of(bytes), Hex.Of(frame.Encode(XBeeApiMode.ApiEscaped)));
    }

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void TryRead_GarbageBeforeAndBetweenFrames_SkipsAndCountsIt(XBeeApiMode mode)
    {
        var reader = new XBeeFrameReader(mode);

        var frames = Feed(reader, [0x00, 0x12, 0xFF], Joined.Encode(mode), [0x55, 0x66], Transmit.Encode(mode), [0x01]);

        Assert.Equal(2, frames.Count);
        Assert.Equal(6, reader.GarbageBytes);
    }

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void TryRead_BadChecksum_CountsDropsAndReadsTheNextFrame(XBeeApiMode mode)
    {
        var bad = Transmit.Encode(mode);
        bad[^1] ^= 0x01;
        var reader = new XBeeFrameReader(mode);

        var frames = Feed(reader, [.. bad, .. Joined.Encode(mode)]);

        Assert.IsType<ModemStatus>(Assert.Single(frames));
        Assert.Equal(1, reader.ChecksumErrors);
        Assert.Equal(1, reader.FramesRead);
    }

    [Fact]
    public void TryRead_DelimiterInsideEscapedFrame_DropsItAndReadsTheNewFrame()
    {
        var first = Transmit.Encode(XBeeApiMode.ApiEscaped);
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);

        var frames = Feed(reader, [.. first[..10], .. Joined.Encode(XBeeApiMode.ApiEscaped)]);

        Assert.IsType<ModemStatus>(Assert.Single(frames));
        Assert.Equal(1, reader.InterruptedFrames);
    }

    [Fact]
    public void TryRead_EscapeFollowedByDelimiter_DropsItAndReadsTheNewFrame()
    {
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);

        var frames = Feed(reader, [0x7E, 0x00, 0x7D, .. Joined.Encode(XBeeApiMode.ApiEscaped)]);

        Assert.IsType<ModemStatus>(Assert.Single(frames));
        Assert.Equal(1, reader.InterruptedFrames);
    }

    [Theory]
    [InlineData("7E0000FF")]
    [InlineData("7E0201000102")]
    [InlineData("7EFFFF00")]
    public void TryRead_LengthZeroOrOverTheBound_CountsAndResynchronises(string hex)
    {
        var reader = new XBeeFrameReader(XBeeApiMode.Api, maxFrameDataLength: 512);

        var frames = Feed(reader, [.. Hex.Bytes(hex), .. Joined.Encode(XBeeApiMode.Api)]);

        Assert.IsType<ModemStatus>(Assert.Single(frames));
        Assert.Equal(1, reader.LengthErrors);
    }

    [Fact]
    public void TryRead_LengthOverTheBound_DoesNotWaitForTheAnnouncedBytes()
    {
        var reader = new XBeeFrameReader(XBeeApiMode.Api, maxFrameDataLength: 100);
        var buffer = new ReadOnlySequence<byte>(Hex.Bytes("7E0065"));

        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
        Assert.Equal(1, reader.LengthErrors);
    }

    [Fact]
    public void TryRead_KnownTypeTooShortWithGoodChecksum_CountsMalformedWithOffset()
    {
        var shortStatus = XBeeFrameCodec.Encode(Hex.Bytes("8B01FFFE00"), XBeeApiMode.Api);
        var reader = new XBeeFrameReader(XBeeApiMode.Api);

        var frames = Feed(reader, [.. shortStatus, .. Joined.Encode(XBeeApiMode.Api)]);

        Assert.IsType<ModemStatus>(Assert.Single(frames));
        Assert.Equal(1, reader.MalformedFrames);
        Assert.Equal(5, reader.LastMalformed!.Offset);
    }

    [Fact]
    public void TryRead_NeedMore_ConsumesNothingOfAStartedFrame()
    {
        var bytes = Transmit.Encode(XBeeApiMode.Api);
        var reader = new XBeeFrameReader(XBeeApiMode.Api);
        var buffer = new ReadOnlySequence<byte>(bytes[..^1]);

        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(bytes.Length - 1, buffer.Length);
        Assert.Equal(0, reader.FramesRead);
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrowsAndAlwaysProgresses()
    {
        Gen.Select(FrameGen.Byte.Array[0, 600], FrameGen.Mode).Sample((bytes, mode) =>
        {
            var reader = new XBeeFrameReader(mode, maxFrameDataLength: 64);
            var buffer = new ReadOnlySequence<byte>(bytes);
            var guard = 0;
            while (reader.TryRead(ref buffer, out _))
            {
                Assert.True(++guard <= bytes.Length);
            }

            // What is left is at most one unfinished frame: a delimiter and what follows.
            Assert.True(buffer.Length == 0 || buffer.FirstSpan[0] == 0x7E);
            Assert.True(buffer.Length <= (2 * (64 + 3)) + 1);
        }, iter: 3000);
    }

    [Fact]
    public void TryRead_FramesWithRandomCorruption_NeverThrows()
    {
        Gen.Select(FrameGen.Any.Array[1, 4], FrameGen.Mode, Gen.Int[0, 1000], Gen.Byte).Sample((frames, mode, at, value) =>
        {
            var bytes = frames.SelectMany(f => f.Encode(mode)).ToArray();
            bytes[at % bytes.Length] = value;
            var reader = new XBeeFrameReader(mode);

            var read = Feed(reader, bytes);

            Assert.True(read.Count <= bytes.Length / 5);
        }, iter: 2000);
    }

    [Fact]
    public void Mode_Transparent_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new XBeeFrameReader(XBeeApiMode.Transparent));
}
