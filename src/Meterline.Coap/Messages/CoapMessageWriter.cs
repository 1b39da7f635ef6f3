namespace Meterline.Coap.Messages;

/// <summary>Encodes a <see cref="CoapMessage"/> (RFC 7252 §3), options sorted by number (stable).</summary>
public static class CoapMessageWriter
{
    public static int GetEncodedLength(CoapMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var length = CoapMessageHeader.Length + message.Token.Length;
        var previous = 0;
        foreach (var option in Sorted(message))
        {
            length += 1 + ExtensionLength(option.Number - previous) + ExtensionLength(option.Value.Length) + option.Value.Length;
            previous = option.Number;
        }

        return message.Payload.IsEmpty ? length : length + 1 + message.Payload.Length;
    }

    public static byte[] Encode(CoapMessage message)
    {
        var bytes = new byte[GetEncodedLength(message)];
        Encode(message, bytes);
        return bytes;
    }

    /// <summary>Writes the message into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">Token longer than 8 bytes, an Empty message with content, or too small a destination.</exception>
    public static int Encode(CoapMessage message, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Token.Length > CoapMessage.MaxTokenLength)
        {
            throw new ArgumentException($"A {message.Token.Length}-byte token; at most 8 are allowed.", nameof(message));
        }

        if (message.IsEmpty && (message.Token.Length > 0 || message.Options.Count > 0 || !message.Payload.IsEmpty))
        {
            throw new ArgumentException("An Empty message has no token, options or payload.", nameof(message));
        }

        var length = GetEncodedLength(message);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The message needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[0] = (byte)((CoapMessage.Version << 6) | ((int)message.Type << 4) | message.Token.Length);
        destination[1] = message.Code.Value;
        destination[2] = (byte)(message.MessageId >> 8);
        destination[3] = (byte)message.MessageId;
        var offset = CoapMessageHeader.Length;
        message.Token.Span.CopyTo(destination[offset..]);
        offset += message.Token.Length;

        var previous = 0;
        foreach (var option in Sorted(message))
        {
            var delta = option.Number - previous;
            var valueLength = option.Value.Length;
            var first = offset++;
            destination[first] = (byte)((Nibble(delta) << 4) | Nibble(valueLength));
            WriteExtension(destination, ref offset, delta);
            WriteExtension(destination, ref offset, valueLength);
            option.Value.Span.CopyTo(destination[offset..]);
            offset += valueLength;
            previous = option.Number;
        }

        if (!message.Payload.IsEmpty)
        {
            destination[offset++] = 0xFF;
            message.Payload.Span.CopyTo(destination[offset..]);
            offset += message.Payload.Length;
        }

        return offset;
    }

    private static IEnumerable<CoapOption> Sorted(CoapMessage message) => message.Options.OrderBy(o => o.Number);

    private static int Nibble(int value) => value switch
    {
        < 13 => value,
        < 269 => 13,
        _ => 14,
    };

    private static int ExtensionLength(int value) => value switch
    {
        < 13 => 0,
        < 269 => 1,
        _ => 2,
    };

    private static void WriteExtension(Span<byte> destination, ref int offset, int value)
    {
        if (value >= 269)
        {
            var extended = value - 269;
            destination[offset++] = (byte)(extended >> 8);
            destination[offset++] = (byte)extended;
        }
        else if (value >= 13)
        {
            destination[offset++] = (byte)(value - 13);
        }
    }
}
