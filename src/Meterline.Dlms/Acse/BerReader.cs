using System.Globalization;

namespace Meterline.Dlms.Acse;

/// <summary>
/// A forward-only cursor over BER (ITU-T X.690) encoded bytes, definite lengths only, as used by the ACSE APDUs.
/// Every length is checked against the bytes present before anything is sliced, nesting is limited, and every
/// failure is a <see cref="DlmsFormatException"/> carrying the offset within the whole input. Nothing is allocated.
/// </summary>
public ref struct BerReader
{
    /// <summary>The deepest nesting of constructed elements accepted by default.</summary>
    public const int DefaultMaxDepth = 16;

    /// <summary>The longest definite length form accepted: 0x84 followed by four octets.</summary>
    public const int MaxLengthOctets = 4;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _baseOffset;
    private int _position;

    public BerReader(ReadOnlySpan<byte> buffer, int baseOffset = 0, int maxDepth = DefaultMaxDepth)
        : this(buffer, baseOffset, 0, maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseOffset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
    }

    private BerReader(ReadOnlySpan<byte> buffer, int baseOffset, int depth, int maxDepth)
    {
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
        Depth = depth;
        MaxDepth = maxDepth;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Offset of the next byte within the whole input.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool IsAtEnd => _position == _buffer.Length;

    /// <summary>How many constructed elements enclose this reader's bytes.</summary>
    public int Depth { get; }

    public int MaxDepth { get; }

    /// <summary>The bytes not yet consumed, without consuming them.</summary>
    public readonly ReadOnlySpan<byte> RemainingBytes => _buffer[_position..];

    /// <summary>Decodes the next identifier without consuming it.</summary>
    public readonly BerTag PeekTag()
    {
        var copy = this;
        return copy.ReadTag();
    }

    public BerTag ReadTag()
    {
        var failure = BerTag.DecodeCore(RemainingBytes, out var tag, out var consumed, out var reason, out var at);
        if (failure is not null)
        {
            throw ErrorAt(_position + at, reason, failure);
        }

        _position += consumed;
        return tag;
    }

    /// <summary>
    /// Reads a definite length (X.690 §8.1.3) and checks that the content it announces is present. The indefinite
    /// form, the reserved form 0xFF and lengths of more than <see cref="MaxLengthOctets"/> octets are rejected.
    /// </summary>
    public int ReadLength()
    {
        var start = _position;
        if (IsAtEnd)
        {
            throw Error(DlmsErrorReason.Truncated, "Unexpected end of data: length expected");
        }

        int first = _buffer[_position++];
        long length;
        if (first < 0x80)
        {
            length = first;
        }
        else if (first == 0x80)
        {
            throw ErrorAt(start, DlmsErrorReason.Unsupported, "Indefinite length is not allowed");
        }
        else if (first == 0xFF)
        {
            throw ErrorAt(start, DlmsErrorReason.Malformed, "Length octet 0xFF is reserved");
        }
        else
        {
            var size = first & 0x7F;
            if (size > MaxLengthOctets)
            {
                throw ErrorAt(start, DlmsErrorReason.LengthOutOfRange, Invariant($"Length of {size} octets is not supported"));
            }

            if (size > Remaining)
            {
                throw ErrorAt(start, DlmsErrorReason.Truncated, "Unexpected end of data inside a length");
            }

            length = 0;
            for (var i = 0; i < size; i++)
            {
                length = (length << 8) | _buffer[_position++];
            }
        }

        if (length > Remaining)
        {
            var remaining = Remaining;
            _position = start;
            throw Error(DlmsErrorReason.LengthOutOfRange, Invariant($"Length {length} exceeds the {remaining} bytes present"));
        }

        return (int)length;
    }

    /// <summary>Reads a primitive element with the given identifier and returns its content octets.</summary>
    public ReadOnlySpan<byte> ReadPrimitive(BerTag expected)
    {
        if (expected.IsConstructed)
        {
            throw new ArgumentException("Expected tag must be primitive", nameof(expected));
        }

        ExpectTag(expected);
        var length = ReadLength();
        var content = _buffer.Slice(_position, length);
        _position += length;
        return content;
    }

    /// <summary>Reads a constructed element with the given identifier and returns a reader over its content.</summary>
    public BerReader ReadConstructed(BerTag expected)
    {
        if (!expected.IsConstructed)
        {
            throw new ArgumentException("Expected tag must be constructed", nameof(expected));
        }

        var start = _position;
        ExpectTag(expected);
        return EnterContent(start);
    }

    /// <summary>
    /// Reads a primitive INTEGER-encoded element (X.690 §8.3) of at most four content octets, in minimal form.
    /// </summary>
    public int ReadInteger(BerTag expected)
    {
        var content = ReadPrimitive(expected);
        var contentStart = _position - content.Length;
        if (content.IsEmpty)
        {
            throw ErrorAt(contentStart, DlmsErrorReason.Malformed, "INTEGER has no content octets");
        }

        if (content.Length > 1 &&
            ((content[0] == 0x00 && (content[1] & 0x80) == 0) || (content[0] == 0xFF && (content[1] & 0x80) != 0)))
        {
            throw ErrorAt(contentStart, DlmsErrorReason.Malformed, "INTEGER is not in minimal form");
        }

        if (content.Length > 4)
        {
            throw ErrorAt(contentStart, DlmsErrorReason.Unsupported, "INTEGER wider than 32 bits");
        }

        var value = (int)(sbyte)content[0];
        for (var i = 1; i < content.Length; i++)
        {
            value = (value << 8) | content[i];
        }

        return value;
    }

    /// <summary>
    /// Consumes the next element whatever its identifier, checking that it and everything nested in it is well
    /// formed (within the depth limit).
    /// </summary>
    public void SkipElement()
    {
        var start = _position;
        var tag = ReadTag();
        if (!tag.IsConstructed)
        {
            var length = ReadLength();
            _position += length;
            return;
        }

        var content = EnterContent(start);
        content.SkipToEnd();
    }

    /// <summary>Consumes every remaining element, checking that each is well formed.</summary>
    public void SkipToEnd()
    {
        while (!IsAtEnd)
        {
            SkipElement();
        }
    }

    /// <summary>Throws unless every byte has been consumed.</summary>
    public readonly void EnsureAtEnd()
    {
        if (!IsAtEnd)
        {
            throw Error(DlmsErrorReason.Malformed, Invariant($"{Remaining} unexpected bytes at the end of an element"));
        }
    }

    /// <summary>Creates an exception for the current offset.</summary>
    public readonly DlmsFormatException Error(DlmsErrorReason reason, string message) => new(reason, Offset, message);

    /// <summary>Creates an exception for a position relative to this reader's start.</summary>
    public readonly DlmsFormatException ErrorAt(int position, DlmsErrorReason reason, string message) =>
        new(reason, _baseOffset + position, message);

    private void ExpectTag(BerTag expected)
    {
        var start = _position;
        var tag = ReadTag();
        if (!tag.HasSameClassAndValue(expected))
        {
            throw ErrorAt(start, DlmsErrorReason.UnknownTag, Invariant($"Expected {expected}, found {tag}"));
        }

        if (tag.IsConstructed != expected.IsConstructed)
        {
            throw ErrorAt(
                start,
                DlmsErrorReason.Malformed,
                Invariant($"{tag} must be {(expected.IsConstructed ? "constructed" : "primitive")}"));
        }
    }

    /// <summary>Reads the length after a constructed identifier that started at <paramref name="tagStart"/>.</summary>
    private BerReader EnterContent(int tagStart)
    {
        if (Depth + 1 > MaxDepth)
        {
            throw ErrorAt(tagStart, DlmsErrorReason.NestingTooDeep, Invariant($"Nesting deeper than {MaxDepth} levels"));
        }

        var length = ReadLength();
        var child = new BerReader(_buffer.Slice(_position, length), Offset, Depth + 1, MaxDepth);
        _position += length;
        return child;
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
