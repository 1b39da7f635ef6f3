namespace Meterline.Coap.Messages;

/// <summary>
/// Decodes one datagram as one CoAP message (RFC 7252 §3). Everything that is not a well-formed message is a
/// <see cref="CoapFormatException"/> with the offset; nothing is allocated beyond the options list (at most
/// <see cref="CoapLimits.MaxOptions"/> entries) — option values, token and payload are slices of the datagram.
/// </summary>
public static class CoapMessageReader
{
    private const byte PayloadMarker = 0xFF;

    /// <summary>Decodes <paramref name="datagram"/>, which must stay unchanged while the message is used.</summary>
    /// <exception cref="CoapFormatException">The datagram is no valid CoAP message, or exceeds <paramref name="limits"/>.</exception>
    public static CoapMessage Read(ReadOnlyMemory<byte> datagram, CoapLimits? limits = null)
    {
        limits ??= CoapLimits.Default;
        var span = datagram.Span;
        if (!CoapMessageHeader.TryDecode(span, out var read))
        {
            throw new CoapFormatException($"A {span.Length}-byte datagram is shorter than the 4-byte CoAP header.", 0);
        }

        var header = read.Value;
        if (header.Version != CoapMessage.Version)
        {
            // §3: messages with unknown version numbers MUST be silently ignored: no header to answer.
            throw new CoapFormatException($"CoAP version {header.Version} is unknown.", 0);
        }

        if (span.Length > limits.MaxMessageSize)
        {
            throw new CoapFormatException($"A {span.Length}-byte message is longer than {limits.MaxMessageSize} bytes.", limits.MaxMessageSize, header);
        }

        // §3: lengths 9 to 15 are reserved, MUST NOT be sent, and MUST be processed as a message format error.
        if (header.TokenLength > CoapMessage.MaxTokenLength)
        {
            throw new CoapFormatException($"Token length {header.TokenLength} is reserved.", 0, header);
        }

        var offset = CoapMessageHeader.Length;
        if (header.Code.IsEmpty && span.Length != CoapMessageHeader.Length)
        {
            // §4.1: an Empty message with bytes after the header (a token, options, a payload) is a format error.
            throw new CoapFormatException("An Empty message (0.00) has bytes after its header.", offset, header);
        }

        if (span.Length < offset + header.TokenLength)
        {
            throw new CoapFormatException($"The {header.TokenLength}-byte token is truncated.", span.Length, header);
        }

        var token = datagram.Slice(offset, header.TokenLength);
        offset += header.TokenLength;

        List<CoapOption>? options = null;
        var number = 0;
        while (offset < span.Length && span[offset] != PayloadMarker)
        {
            var start = offset;
            var first = span[offset++];
            var delta = ReadExtended(span, first >> 4, ref offset, start, header, "delta");
            var length = ReadExtended(span, first & 0x0F, ref offset, start, header, "length");
            number += delta;
            if (number > ushort.MaxValue)
            {
                throw new CoapFormatException($"Option number {number} exceeds 65535.", start, header);
            }

            if (length > limits.MaxOptionLength)
            {
                throw new CoapFormatException($"A {length}-byte option value is longer than {limits.MaxOptionLength} bytes.", start, header);
            }

            if (span.Length - offset < length)
            {
                throw new CoapFormatException($"Option {number}'s {length}-byte value is truncated.", offset, header);
            }

            options ??= new List<CoapOption>(4);
            if (options.Count == limits.MaxOptions)
            {
                throw new CoapFormatException($"More than {limits.MaxOptions} options.", start, header);
            }

            options.Add(new CoapOption((ushort)number, datagram.Slice(offset, length)));
            offset += length;
        }

        var payload = ReadOnlyMemory<byte>.Empty;
        if (offset < span.Length)
        {
            // §3: a payload marker followed by a zero-length payload MUST be processed as a message format error.
            offset++;
            if (offset == span.Length)
            {
                throw new CoapFormatException("A payload marker with no payload after it.", offset - 1, header);
            }

            payload = datagram[offset..];
        }

        return new CoapMessage
        {
            Type = header.Type,
            Code = header.Code,
            MessageId = header.MessageId,
            Token = token,
            Options = (IReadOnlyList<CoapOption>?)options ?? [],
            Payload = payload,
        };
    }

    /// <summary>Decodes, or returns the format error instead of throwing it.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> datagram, CoapLimits? limits, out CoapMessage? message, out CoapFormatException? error)
    {
        try
        {
            message = Read(datagram, limits);
            error = null;
            return true;
        }
        catch (CoapFormatException e)
        {
            message = null;
            error = e;
            return false;
        }
    }

    // §3.1: nibble 13 — an 8-bit extension minus 13; 14 — a 16-bit extension minus 269; 15 — reserved (a delta of 15
    // is only valid as the payload marker 0xFF, which ends the options before this is reached).
    private static int ReadExtended(ReadOnlySpan<byte> span, int nibble, ref int offset, int start, CoapMessageHeader header, string what)
    {
        switch (nibble)
        {
            case < 13:
                return nibble;
            case 13:
                if (offset + 1 > span.Length)
                {
                    throw new CoapFormatException($"The option {what}'s 1-byte extension is truncated.", offset, header);
                }

                return span[offset++] + 13;
            case 14:
                if (offset + 2 > span.Length)
                {
                    throw new CoapFormatException($"The option {what}'s 2-byte extension is truncated.", offset, header);
                }

                var value = ((span[offset] << 8) | span[offset + 1]) + 269;
                offset += 2;
                return value;
            default:
                throw new CoapFormatException($"Option {what} nibble 15 is reserved.", start, header);
        }
    }
}
