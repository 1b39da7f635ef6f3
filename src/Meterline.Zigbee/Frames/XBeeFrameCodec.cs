using System.Buffers;

namespace Meterline.Zigbee.Frames;

/// <summary>
/// Frame data to and from typed frames, and frame data to and from the bytes on the wire: <c>7E</c> ‖ length (2 bytes,
/// big endian, of the frame data) ‖ frame data ‖ checksum. In API mode 2 every byte after the delimiter that is 0x7E,
/// 0x7D, 0x11 or 0x13 is sent as 0x7D followed by the byte XOR 0x20 (Digi XBee Zigbee user guide, "API operation:
/// API frame format" and "Escaped characters in API frames").
/// </summary>
public static class XBeeFrameCodec
{
    public const byte StartDelimiter = 0x7E;
    public const byte Escape = 0x7D;
    public const byte Xon = 0x11;
    public const byte Xoff = 0x13;
    public const byte EscapeXor = 0x20;

    /// <summary>The largest frame data the 16-bit length field can announce.</summary>
    public const int MaxFrameDataLength = ushort.MaxValue;

    public static bool NeedsEscape(byte b) => b is StartDelimiter or Escape or Xon or Xoff;

    /// <summary>Decodes verified frame data (type byte first). Throws <see cref="XBeeFrameFormatException"/> when a
    /// known frame type is malformed; an unknown type is an <see cref="UnknownFrame"/>.</summary>
    public static XBeeFrame Decode(ReadOnlySpan<byte> frameData)
    {
        if (frameData.IsEmpty)
        {
            throw new XBeeFrameFormatException("empty frame data", 0);
        }

        return (XBeeFrameType)frameData[0] switch
        {
            XBeeFrameType.AtCommand => AtCommand.Decode(frameData),
            XBeeFrameType.QueuedAtCommand => QueuedAtCommand.Decode(frameData),
            XBeeFrameType.TransmitRequest => TransmitRequest.Decode(frameData),
            XBeeFrameType.ExplicitAddressingCommand => ExplicitAddressingCommand.Decode(frameData),
            XBeeFrameType.RemoteAtCommandRequest => RemoteAtCommandRequest.Decode(frameData),
            XBeeFrameType.AtCommandResponse => AtCommandResponse.Decode(frameData),
            XBeeFrameType.ModemStatus => ModemStatus.Decode(frameData),
            XBeeFrameType.TransmitStatus => TransmitStatus.Decode(frameData),
            XBeeFrameType.ReceivePacket => ReceivePacket.Decode(frameData),
            XBeeFrameType.ExplicitRxIndicator => ExplicitRxIndicator.Decode(frameData),
            XBeeFrameType.NodeIdentificationIndicator => NodeIdentificationIndicator.Decode(frameData),
            XBeeFrameType.RemoteAtCommandResponse => RemoteAtCommandResponse.Decode(frameData),
            _ => UnknownFrame.Decode(frameData),
        };
    }

    /// <summary>The number of bytes <see cref="Write(ReadOnlySpan{byte}, XBeeApiMode, Span{byte})"/> produces.</summary>
    public static int GetEncodedLength(ReadOnlySpan<byte> frameData, XBeeApiMode mode)
    {
        CheckLength(frameData.Length);
        if (mode != XBeeApiMode.ApiEscaped)
        {
            return frameData.Length + 4;
        }

        Span<byte> header = [(byte)(frameData.Length >> 8), (byte)frameData.Length, XBeeChecksum.Compute(frameData)];
        var escapes = 0;
        foreach (var b in header)
        {
            escapes += NeedsEscape(b) ? 1 : 0;
        }

        foreach (var b in frameData)
        {
            escapes += NeedsEscape(b) ? 1 : 0;
        }

        return frameData.Length + 4 + escapes;
    }

    /// <summary>Frames <paramref name="frameData"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<byte> frameData, XBeeApiMode mode, Span<byte> destination)
    {
        var total = GetEncodedLength(frameData, mode);
        if (destination.Length < total)
        {
            throw new ArgumentException("The destination is too small for the frame.", nameof(destination));
        }

        var escaped = mode == XBeeApiMode.ApiEscaped;
        var at = 0;
        destination[at++] = StartDelimiter;
        Put(destination, ref at, (byte)(frameData.Length >> 8), escaped);
        Put(destination, ref at, (byte)frameData.Length, escaped);
        foreach (var b in frameData)
        {
            Put(destination, ref at, b, escaped);
        }

        Put(destination, ref at, XBeeChecksum.Compute(frameData), escaped);
        return at;
    }

    public static byte[] Encode(ReadOnlySpan<byte> frameData, XBeeApiMode mode)
    {
        var bytes = new byte[GetEncodedLength(frameData, mode)];
        Write(frameData, mode, bytes);
        return bytes;
    }

    public static byte[] Encode(XBeeFrame frame, XBeeApiMode mode)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Encode(mode);
    }

    public static void Write(XBeeFrame frame, XBeeApiMode mode, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(output);
        var data = frame.EncodeFrameData();
        var length = GetEncodedLength(data, mode);
        var written = Write(data, mode, output.GetSpan(length));
        output.Advance(written);
    }

    private static void Put(Span<byte> destination, ref int at, byte b, bool escaped)
    {
        if (escaped && NeedsEscape(b))
        {
            destination[at++] = Escape;
            destination[at++] = (byte)(b ^ EscapeXor);
        }
        else
        {
            destination[at++] = b;
        }
    }

    private static void CheckLength(int length)
    {
        if (length is < 1 or > MaxFrameDataLength)
        {
            throw new ArgumentException($"Frame data must be 1 to {MaxFrameDataLength} bytes, not {length}.");
        }
    }
}
