using Meterline.Dlms.Hdlc;
using Meterline.HeadEnd.Testing;

namespace Meterline.Ingress.Tests;

/// <summary>
/// Malformed HDLC (IEC 62056-46) against the frame reader every HDLC link uses: each bad frame is dropped and counted,
/// nothing throws, the bytes the framing holds stay within one maximum frame, the reader allocates nothing near what
/// a length field announces, and a good frame after the bad ones still comes through.
/// </summary>
public sealed class MalformedHdlcTests
{
    private static readonly HdlcFrame Good = new(HdlcAddress.Server(1, 17, 4), HdlcAddress.Client(16), HdlcControl.Information(0, 0, true), new byte[] { 0xE6, 0xE6, 0x00, 0x01, 0x02 });

    private static FeedResult<HdlcFrame> Feed(HdlcFrameReader reader, IEnumerable<byte[]> chunks) =>
        FramingFeed.Run<HdlcFrame>(reader.TryRead, chunks);

    [Fact]
    public void TryRead_BadFlagsAndBadChecksums_DroppedAndCountedGoodFrameRead()
    {
        var reader = new HdlcFrameReader();
        var noOpeningFlag = Good.ToArray()[1..];
        var badFcs = Good.ToArray();
        badFcs[^2] ^= 0xFF;
        var badHcs = Good.ToArray();
        badHcs[10] ^= 0x55;
        var wrongFormat = Good.ToArray();
        wrongFormat[1] = 0x10;

        var result = Feed(reader, [noOpeningFlag, badFcs, badHcs, wrongFormat, Good.ToArray()]);

        Assert.Equal(Good, Assert.Single(result.Frames));
        Assert.True(reader.ChecksumErrors >= 2, $"checksum errors {reader.ChecksumErrors}");
        Assert.True(reader.MalformedFrames >= 1);
        Assert.True(result.MostHeld <= 2 * reader.MaxFrameLength + 2);
    }

    [Fact]
    public void TryRead_LengthFieldAtTheFormatMaximum_DroppedAtOnceWithoutWaitingOrAllocatingForIt()
    {
        var reader = new HdlcFrameReader();
        var lying = Good.ToArray();
        lying[1] = 0xA7;
        lying[2] = 0xFF;

        var result = Feed(reader, [lying, Good.ToArray()]);

        Assert.Equal(Good, Assert.Single(result.Frames));
        Assert.True(reader.MalformedFrames >= 1);
        Assert.True(result.AllocatedByReader < HdlcFrame.MaximumFrameLength, $"the reader allocated {result.AllocatedByReader} bytes: what the length field announced");
    }

    [Fact]
    public void TryRead_AFrameThatNeverCloses_TenMegabytesConsumedAsGarbageHoldingAtMostOneFrame()
    {
        var reader = new HdlcFrameReader();
        var opening = Good.ToArray()[..3];
        var heapBefore = LiveHeap.Measure();

        var result = Feed(reader, FramingFeed.Endless(10 << 20, HdlcFrame.Flag).Prepend(opening).Append(Good.ToArray()));

        Assert.Equal(Good, Assert.Single(result.Frames));
        Assert.True(result.MostHeld <= reader.MaxFrameLength + 4096, $"held {result.MostHeld} bytes");
        Assert.True(reader.GarbageBytes >= 10 << 20);
        Assert.True(LiveHeap.Measure() - heapBefore < 1 << 20, "the heap grew after the endless frame");
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "A seeded Random makes the malformed input repeatable; nothing here is secret.")]
    public void TryRead_EveryPrefixOfAFrameAndRandomBytes_NeverThrows()
    {
        var random = new Random(11);
        var reader = new HdlcFrameReader();
        var chunks = new List<byte[]>();
        for (var i = 0; i < 2_000; i++)
        {
            var frame = Good.ToArray();
            var bytes = frame[..random.Next(1, frame.Length)];
            if (random.Next(3) == 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            chunks.Add(bytes);
        }

        chunks.Add(Good.ToArray());
        var result = Feed(reader, chunks);

        Assert.Contains(Good, result.Frames);
        Assert.True(result.MostHeld <= reader.MaxFrameLength + Good.FrameLength + 2);
    }
}
