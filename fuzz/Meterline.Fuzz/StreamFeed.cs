using System.Buffers;

namespace Meterline.Fuzz;

/// <summary>
/// Feeds a fuzz input to a stream reader the way a transport does: the first byte chooses the chunk size (0: all at
/// once), each chunk is appended to what the reader left, and the reader is called until it wants more. The pending
/// bytes are presented as two segments so that fields straddle a segment boundary. A reader that returns a frame
/// without consuming a byte would spin for ever: that is a finding.
/// </summary>
internal static class StreamFeed
{
    public delegate bool TryReadFrame(ref ReadOnlySequence<byte> buffer);

    public static int Run(ReadOnlySpan<byte> input, TryReadFrame tryRead)
    {
        if (input.IsEmpty)
        {
            return 0;
        }

        var chunkSize = input[0] == 0 ? Math.Max(1, input.Length - 1) : input[0];
        var data = input[1..];
        var pending = Array.Empty<byte>();
        var frames = 0;
        for (var start = 0; start < data.Length; start += chunkSize)
        {
            var chunk = data.Slice(start, Math.Min(chunkSize, data.Length - start));
            var combined = new byte[pending.Length + chunk.Length];
            pending.CopyTo(combined, 0);
            chunk.CopyTo(combined.AsSpan(pending.Length));
            var buffer = ByteSegment.Split(combined, combined.Length / 2);
            while (true)
            {
                var before = buffer.Length;
                if (!tryRead(ref buffer))
                {
                    break;
                }

                frames++;
                if (buffer.Length >= before)
                {
                    throw new FuzzPropertyException($"The reader returned a frame without consuming input ({before} bytes pending).");
                }
            }

            if (buffer.Length > combined.Length)
            {
                throw new FuzzPropertyException("The reader grew its buffer.");
            }

            pending = buffer.ToArray();
        }

        return frames;
    }
}
