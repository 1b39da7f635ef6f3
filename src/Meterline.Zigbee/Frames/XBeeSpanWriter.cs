using System.Buffers.Binary;

namespace Meterline.Zigbee.Frames;

/// <summary>Writes frame data into a span sized beforehand from <see cref="XBeeFrame.GetDataLength"/>.</summary>
internal ref struct XBeeSpanWriter
{
    private readonly Span<byte> _destination;

    public XBeeSpanWriter(Span<byte> destination)
    {
        _destination = destination;
        Written = 0;
    }

    public int Written { get; private set; }

    public void WriteByte(byte value) => _destination[Written++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_destination[Written..], value);
        Written += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_destination[Written..], value);
        Written += 4;
    }

    public void WriteAddress64(XBeeAddress64 address)
    {
        address.TryEncode(_destination[Written..], out var n);
        Written += n;
    }

    public void WriteAddress16(XBeeAddress16 address)
    {
        address.TryEncode(_destination[Written..], out var n);
        Written += n;
    }

    public void WriteCommandName(string command)
    {
        WriteByte((byte)command[0]);
        WriteByte((byte)command[1]);
    }

    /// <summary>Latin-1 text followed by a NUL terminator.</summary>
    public void WriteNullTerminated(string text)
    {
        foreach (var c in text)
        {
            WriteByte((byte)c);
        }

        WriteByte(0);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_destination[Written..]);
        Written += bytes.Length;
    }
}
