namespace Meterline.Coap.Messages;

/// <summary>
/// Encodes a <see cref="CoapMessage"/> (RFC 7252 §3), options sorted by number (stable: instances of one option keep
/// their order, §5.4.5). The order is found by walking the few options for the next (number, position) after the one
/// written, so that encoding into a span allocates nothing.
/// </summary>
public static class CoapMessageWriter
{
    public static int GetEncodedLength(CoapMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var length = CoapMessageHeader.Length + message.Token.Length;
        var previous = 0;
        for (var next = First(message.Options); next >= 0; next = Next(message.Options, next))
        {
            var option = message.Options[next];
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
        for (var next = First(message.Options); next >= 0; next = Next(message.Options, next))
        {
            var option = message.Options[next];
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

    /// <summary>The position of the option written first (the lowest number, the earliest of equals); -1 for none.</summary>
    private static int First(IReadOnlyList<CoapOption> options)
    {
        var first = -1;
        for (var i = 0; i < options.Count; i++)
        {
            if (first < 0 || options[i].Number < options[first].Number)
            {
                first = i;
            }
        }

        return first;
    }

    /// <summary>
    /// The position of the option written after the one at <paramref name="current"/>: the next instance of the same
    /// number after it, else the earliest of the next higher number; -1 when it was the last.
    /// </summary>
    private static int Next(IReadOnlyList<CoapOption> options, int current)
    {
        var number = options[current].Number;
        for (var i = current + 1; i < options.Count; i++)
        {
            if (options[i].Number == number)
            {
                return i;
            }
        }

        var next = -1;
        for (var i = 0; i < options.Count; i++)
        {
            if (options[i].Number > number && (next < 0 || options[i].Number < options[next].Number))
            {
                next = i;
            }
        }

        return next;
    }

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
