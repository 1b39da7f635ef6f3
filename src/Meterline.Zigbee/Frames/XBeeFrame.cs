namespace Meterline.Zigbee.Frames;

/// <summary>
/// An XBee API frame: the closed set of sealed records in this namespace, one per frame type, and
/// <see cref="UnknownFrame"/> for the rest. A frame is its frame data (type byte first); the start delimiter, length,
/// checksum and mode 2 escaping belong to <see cref="XBeeFrameCodec"/> (Digi XBee Zigbee user guide, "API frame format").
/// Byte fields are <see cref="ReadOnlyMemory{T}"/>, so two frames compare equal only when they share the array;
/// compare encoded bytes instead.
/// </summary>
public abstract record XBeeFrame
{
    private protected XBeeFrame()
    {
    }

    /// <summary>The API identifier, the first byte of the frame data.</summary>
    public abstract XBeeFrameType FrameType { get; }

    /// <summary>The frame data length: the type byte and everything after it, before the checksum.</summary>
    public int GetDataLength() => 1 + GetBodyLength();

    /// <summary>The frame data (type byte first, no checksum).</summary>
    public byte[] EncodeFrameData()
    {
        var data = new byte[GetDataLength()];
        var writer = new XBeeSpanWriter(data);
        writer.WriteByte((byte)FrameType);
        WriteBody(ref writer);
        return data;
    }

    /// <summary>The whole frame, delimited, checksummed and escaped as <paramref name="mode"/> requires.</summary>
    public byte[] Encode(XBeeApiMode mode) => XBeeFrameCodec.Encode(EncodeFrameData(), mode);

    private protected abstract int GetBodyLength();

    private protected abstract void WriteBody(ref XBeeSpanWriter writer);

    /// <summary>Checks the type byte and returns a reader positioned after it.</summary>
    private protected static XBeeSpanReader Open(ReadOnlySpan<byte> frameData, XBeeFrameType expected)
    {
        var reader = new XBeeSpanReader(frameData);
        var type = reader.ReadByte("frame type");
        if (type != (byte)expected)
        {
            throw new XBeeFrameFormatException($"frame type 0x{type:X2} is not {expected}", 0);
        }

        return reader;
    }
}
