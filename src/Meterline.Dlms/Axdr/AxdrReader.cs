using System.Buffers.Binary;

namespace Meterline.Dlms.Axdr;

/// <summary>
/// A forward-only cursor over one complete PDU. Every read checks the bytes present first and throws a
/// <see cref="DlmsFormatException"/> carrying the byte offset; nothing is ever allocated for a length that the input
/// does not actually contain. Offsets are reported relative to the start of the whole input, including
/// <c>baseOffset</c> when the reader covers a slice of a larger PDU.
/// </summary>
public ref struct AxdrReader
{
    /// <summary>The deepest nesting of arrays, structures and type descriptions accepted by default.</summary>
    public const int DefaultMaxDepth = 32;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _baseOffset;
    private int _position;

    public AxdrReader(ReadOnlySpan<byte> buffer, int baseOffset = 0, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseOffset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
        MaxDepth = maxDepth;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Offset of the next byte within the whole input (for error messages).</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool IsAtEnd => _position == _buffer.Length;

    /// <summary>Deepest nesting the data decoder accepts.</summary>
    public int MaxDepth { get; }

    /// <summary>The bytes not yet consumed, without consuming them.</summary>
    public readonly ReadOnlySpan<byte> RemainingBytes => _buffer[_position..];

    public byte PeekByte()
    {
        Need(1);
        return _buffer[_position];
    }

    public byte ReadByte()
    {
        Need(1);
        return _buffer[_position++];
    }

    public sbyte ReadSByte() => unchecked((sbyte)ReadByte());

    public bool ReadBoolean() => ReadByte() != 0;

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleBigEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Consumes <paramref name="count"/> bytes and returns them without copying.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0)
        {
            throw Error(DlmsErrorReason.LengthOutOfRange, "Negative length");
        }

        return Take(count);
    }

    /// <summary>
    /// Reads an A-XDR length (or element count): one byte below 0x80, otherwise 0x80 | n followed by n big-endian
    /// bytes (n from 1 to 4). The value is not compared with the bytes present; use
    /// <see cref="ReadLengthOfBytes"/> or <see cref="ReadCount"/> for that.
    /// </summary>
    public int ReadLength()
    {
        var start = _position;
        var first = ReadByte();
        if (first < 0x80)
        {
            return first;
        }

        var size = first & 0x7F;
        if (size is 0 or > 4)
        {
            _position = start;
            throw Error(DlmsErrorReason.LengthOutOfRange, $"Length field of {size} bytes is not supported");
        }

        uint value = 0;
        foreach (var b in Take(size))
        {
            value = (value << 8) | b;
        }

        if (value > int.MaxValue)
        {
            _position = start;
            throw Error(DlmsErrorReason.LengthOutOfRange, $"Length {value} exceeds the largest supported PDU");
        }

        return (int)value;
    }

    /// <summary>Reads an A-XDR length that counts bytes which must all be present, and returns those bytes.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixedBytes()
    {
        var length = ReadLengthOfBytes();
        return Take(length);
    }

    /// <summary>Reads an A-XDR length that counts bytes which must all be present.</summary>
    public int ReadLengthOfBytes()
    {
        var start = _position;
        var length = ReadLength();
        if (length > Remaining)
        {
            _position = start;
            throw Error(DlmsErrorReason.LengthOutOfRange, $"Length {length} exceeds the {Remaining} bytes present");
        }

        return length;
    }

    /// <summary>
    /// Reads an A-XDR element count and checks that <paramref name="minimumBytesPerElement"/> times the count is
    /// present, so that a count can never make the caller allocate more than the input justifies.
    /// </summary>
    public int ReadCount(int minimumBytesPerElement = 1)
    {
        var start = _position;
        var count = ReadLength();
        CheckCount(count, minimumBytesPerElement, start);
        return count;
    }

    /// <summary>Checks that <paramref name="count"/> elements of at least the given size fit in the rest.</summary>
    public readonly void CheckCount(long count, int minimumBytesPerElement, int countOffset)
    {
        if (count * Math.Max(minimumBytesPerElement, 0) > Remaining)
        {
            throw new DlmsFormatException(
                DlmsErrorReason.LengthOutOfRange,
                _baseOffset + countOffset,
                $"Count {count} needs more than the {Remaining} bytes present");
        }
    }

    /// <summary>Throws unless every byte has been consumed.</summary>
    public readonly void EnsureAtEnd()
    {
        if (!IsAtEnd)
        {
            throw Error(DlmsErrorReason.Malformed, $"{Remaining} unexpected trailing bytes");
        }
    }

    /// <summary>Creates an exception for the current offset.</summary>
    public readonly DlmsFormatException Error(DlmsErrorReason reason, string message) =>
        new(reason, Offset, message);

    /// <summary>Creates an exception for an offset relative to this reader's start.</summary>
    public readonly DlmsFormatException ErrorAt(int position, DlmsErrorReason reason, string message) =>
        new(reason, _baseOffset + position, message);

    private ReadOnlySpan<byte> Take(int count)
    {
        Need(count);
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    private readonly void Need(int count)
    {
        if (count > Remaining)
        {
            throw Error(
                DlmsErrorReason.Truncated,
                count == 1 ? "Unexpected end of data" : $"Unexpected end of data: {count} bytes needed, {Remaining} present");
        }
    }
}
