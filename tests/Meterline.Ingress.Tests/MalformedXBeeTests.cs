using Meterline.Zigbee.Frames;

namespace Meterline.Ingress.Tests;

/// <summary>
/// Malformed XBee API frames (the Zigbee coordinator's serial link, the gateway's and the head-end's) against the
/// frame reader: length 0xFFFF announced, bad checksums, an escape at the end of the input; each is dropped and
/// counted, nothing throws, the reader allocates nothing near the announced length and a good frame still comes through.
/// </summary>
public sealed class MalformedXBeeTests
{
    private static readonly byte[] GoodData = [0x8A, (byte)ModemStatusCode.JoinedNetwork];

    private static FeedResult<XBeeFrame> Feed(XBeeFrameReader reader, IEnumerable<byte[]> chunks) =>
        FramingFeed.Run<XBeeFrame>(reader.TryRead, chunks);

    [Theory]
    [InlineData(XBeeApiMode.Api)]
    [InlineData(XBeeApiMode.ApiEscaped)]
    public void TryRead_LengthFFFFAnnounced_DroppedWithoutAllocatingItsLength(XBeeApiMode mode)
    {
        var reader = new XBeeFrameReader(mode);
        byte[] lying = [0x7E, 0xFF, 0xFF, 0x90, 0x00, 0x01];

        var result = Feed(reader, FramingFeed.Endless(256 << 10, 0x7E).Prepend(lying).Append(XBeeFrameCodec.Encode(GoodData, mode)));

        Assert.True(result.AllocatedByReader < 0xFFFF, $"the reader allocated {result.AllocatedByReader} bytes: what the length announced");
        Assert.Equal(new ModemStatus(ModemStatusCode.JoinedNetwork), Assert.Single(result.Frames));
        Assert.True(reader.LengthErrors >= 1);
        Assert.True(result.MostHeld <= reader.MaxFrameDataLength * 2 + 4096 + 8, $"held {result.MostHeld}");
    }

    [Fact]
    public void TryRead_BadChecksums_DroppedAndCounted()
    {
        var reader = new XBeeFrameReader();
        var chunks = Enumerable.Range(0, 100).Select(i =>
        {
            var frame = XBeeFrameCodec.Encode(GoodData, XBeeApiMode.Api);
            frame[^1] ^= (byte)(1 + (i % 255));
            return frame;
        }).Append(XBeeFrameCodec.Encode(GoodData, XBeeApiMode.Api)).ToList();

        var result = Feed(reader, chunks);

        Assert.Single(result.Frames);
        Assert.Equal(100, reader.ChecksumErrors);
    }

    [Fact]
    public void TryRead_EscapeAtTheEndOfTheInput_WaitsForTheNextByteThenReadsTheFrame()
    {
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);
        byte[] data = [0x8A, 0x7D];
        var frame = XBeeFrameCodec.Encode(data, XBeeApiMode.ApiEscaped);
        var escape = Array.IndexOf(frame, (byte)0x7D, 3);

        var result = Feed(reader, [frame[..(escape + 1)], frame[(escape + 1)..]]);

        Assert.Single(result.Frames);
        Assert.Equal(0, reader.ChecksumErrors + reader.LengthErrors + reader.InterruptedFrames);
    }

    [Fact]
    public void TryRead_EscapeThenANewStartDelimiter_InterruptedFrameDroppedNextRead()
    {
        var reader = new XBeeFrameReader(XBeeApiMode.ApiEscaped);
        byte[] cut = [0x7E, 0x00, 0x05, 0x8A, 0x7D];

        var result = Feed(reader, [cut, XBeeFrameCodec.Encode(GoodData, XBeeApiMode.ApiEscaped)]);

        Assert.Single(result.Frames);
        Assert.Equal(1, reader.InterruptedFrames);
    }
}
