using System.Buffers;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>A fixed-capacity, pinned buffer for writing documents that hold secrets; Dispose zeroes it. Never grows (so never leaves copies).</summary>
internal sealed class ZeroingBufferWriter(int capacity) : IBufferWriter<byte>, IDisposable
{
    private readonly byte[] _buffer = GC.AllocateArray<byte>(capacity, pinned: true);
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written, Room(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written, Room(sizeHint));

    public void Dispose() => CryptographicOperations.ZeroMemory(_buffer);

    private int Room(int sizeHint)
    {
        var room = _buffer.Length - _written;
        if (room == 0 || sizeHint > room)
        {
            throw new InvalidOperationException("The document is larger than its buffer.");
        }

        return room;
    }
}
