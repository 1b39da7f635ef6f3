using System.Buffers;
using System.Buffers.Binary;

namespace Meterline.Dlms.Axdr;

/// <summary>Writes A-XDR primitives, big endian, to an <see cref="IBufferWriter{T}"/>.</summary>
public readonly ref struct AxdrWriter
{
    private readonly IBufferWriter<byte> _output;

    public AxdrWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>The buffer being written to.</summary>
    public IBufferWriter<byte> Output => _output;

    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public void WriteSByte(sbyte value) => WriteByte(unchecked((byte)value));

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xFF : (byte)0x00);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleBigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        _output.Write(value);
    }

    /// <summary>Writes an A-XDR length: one byte below 0x80, else 0x80 | n and n big-endian bytes.</summary>
    public void WriteLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var size = GetLengthSize(length);
        var span = _output.GetSpan(size);
        if (size == 1)
        {
            span[0] = (byte)length;
        }
        else
        {
            span[0] = (byte)(0x80 | (size - 1));
            for (var i = size - 1; i >= 1; i--)
            {
                span[i] = (byte)length;
                length >>= 8;
            }
        }

        _output.Advance(size);
    }

    /// <summary>Writes an A-XDR length followed by the bytes.</summary>
    public void WriteLengthPrefixedBytes(ReadOnlySpan<byte> value)
    {
        WriteLength(value.Length);
        WriteBytes(value);
    }

    /// <summary>Bytes taken by the A-XDR encoding of <paramref name="length"/>.</summary>
    public static int GetLengthSize(int length) => length switch
    {
        < 0x80 => 1,
        <= 0xFF => 2,
        <= 0xFFFF => 3,
        <= 0xFF_FFFF => 4,
        _ => 5,
    };
}
