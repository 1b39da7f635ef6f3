using System.Buffers;

namespace Meterline.Ingress.Tests;

/// <summary>A framing's <c>TryRead</c>: reads the next frame from the buffer and slices off what it consumed.</summary>
internal delegate bool FrameReader<TFrame>(ref ReadOnlySequence<byte> buffer, out TFrame frame);

/// <summary>
/// Feeds chunks to a sans-I/O frame reader as a pipe would (what it leaves unconsumed is kept and the next chunk
/// appended) and measures what the framing holds: the most bytes left unconsumed at once, and the bytes the reader
/// allocated on this thread.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "A seeded Random makes the malformed input repeatable; nothing here is secret.")]
internal static class FramingFeed
{
    public static FeedResult<TFrame> Run<TFrame>(FrameReader<TFrame> read, IEnumerable<byte[]> chunks)
    {
        var frames = new List<TFrame>();
        var held = Array.Empty<byte>();
        var mostHeld = 0;
        long allocated = 0;
        foreach (var chunk in chunks)
        {
            var joined = new byte[held.Length + chunk.Length];
            held.CopyTo(joined, 0);
            chunk.CopyTo(joined, held.Length);
            var buffer = new ReadOnlySequence<byte>(joined);
            var before = GC.GetAllocatedBytesForCurrentThread();
            while (read(ref buffer, out var frame))
            {
                frames.Add(frame);
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            held = buffer.ToArray();
            mostHeld = Math.Max(mostHeld, held.Length);
        }

        return new FeedResult<TFrame>(frames, mostHeld, held.Length, allocated);
    }

    /// <summary><paramref name="bytes"/> in chunks of <paramref name="size"/>.</summary>
    public static IEnumerable<byte[]> Chunks(byte[] bytes, int size) => bytes.Chunk(size);

    /// <summary><paramref name="total"/> bytes that never hold <paramref name="avoid"/>, in chunks of 4 KiB.</summary>
    public static IEnumerable<byte[]> Endless(long total, byte avoid)
    {
        var random = new Random(7);
        for (long sent = 0; sent < total; sent += 4096)
        {
            var chunk = new byte[4096];
            random.NextBytes(chunk);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] == avoid)
                {
                    chunk[i] = (byte)(avoid ^ 0x01);
                }
            }

            yield return chunk;
        }
    }
}

/// <summary>What a <see cref="FramingFeed"/> run saw.</summary>
internal sealed record FeedResult<TFrame>(List<TFrame> Frames, int MostHeld, int HeldAtEnd, long AllocatedByReader);
