using System.Buffers;

namespace Meterline.Fuzz;

/// <summary>One segment of a multi-segment <see cref="ReadOnlySequence{T}"/>, to exercise readers across segment boundaries.</summary>
internal sealed class ByteSegment : ReadOnlySequenceSegment<byte>
{
    public ByteSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public ByteSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ByteSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }

    /// <summary>The bytes as a sequence split into two segments at <paramref name="split"/> (clamped).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int split)
    {
        split = Math.Clamp(split, 0, bytes.Length);
        if (split == 0 || split == bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new ByteSegment(bytes.AsMemory(0, split), 0);
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
