using System.Buffers.Binary;
using System.Text;

namespace Meterline.Zigbee.Frames;

/// <summary>
/// A cursor over the frame data of one frame whose checksum was verified. Every read checks the bytes present and
/// throws <see cref="XBeeFrameFormatException"/> with the offset; nothing is allocated beyond the bytes present.
/// </summary>
internal ref struct XBeeSpanReader
{
    private readonly ReadOnlySpan<byte> _data;

    public XBeeSpanReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Offset = 0;
    }

    public int Offset { get; private set; }

    public readonly int Remaining => _data.Length - Offset;

    public byte ReadByte(string field)
    {
        Need(1, field);
        return _data[Offset++];
    }

    public ushort ReadUInt16(string field)
    {
        Need(2, field);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_data[Offset..]);
        Offset += 2;
        return value;
    }

    public uint ReadUInt32(string field)
    {
        Need(4, field);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_data[Offset..]);
        Offset += 4;
        return value;
    }

    public XBeeAddress64 ReadAddress64(string field)
    {
        Need(XBeeAddress64.Length, field);
        var value = XBeeAddress64.Decode(_data[Offset..]);
        Offset += XBeeAddress64.Length;
        return value;
    }

    public XBeeAddress16 ReadAddress16(string field)
    {
        Need(XBeeAddress16.Length, field);
        var value = XBeeAddress16.Decode(_data[Offset..]);
        Offset += XBeeAddress16.Length;
        return value;
    }

    /// <summary>A two-character AT command name; bytes map one to one to characters (Latin-1).</summary>
    public string ReadCommandName()
    {
        Need(2, "AT command");
        var name = Encoding.Latin1.GetString(_data.Slice(Offset, 2));
        Offset += 2;
        return name;
    }

    /// <summary>A NUL-terminated string (the node identifier); the terminator is consumed.</summary>
    public string ReadNullTerminated(string field)
    {
        var end = _data[Offset..].IndexOf((byte)0);
        if (end < 0)
        {
            throw new XBeeFrameFormatException($"{field} has no NUL terminator", Offset);
        }

        var text = Encoding.Latin1.GetString(_data.Slice(Offset, end));
        Offset += end + 1;
        return text;
    }

    public byte[] ReadRest()
    {
        var rest = _data[Offset..].ToArray();
        Offset = _data.Length;
        return rest;
    }

    public readonly void ExpectEnd(string frame)
    {
        if (Remaining != 0)
        {
            throw new XBeeFrameFormatException($"{frame} has {Remaining} unexpected trailing bytes", Offset);
        }
    }

    private readonly void Need(int count, string field)
    {
        if (Remaining < count)
        {
            throw new XBeeFrameFormatException($"frame data too short for {field}", Offset);
        }
    }
}
