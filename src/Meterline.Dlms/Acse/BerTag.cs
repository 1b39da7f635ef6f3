using System.Globalization;

namespace Meterline.Dlms.Acse;

/// <summary>
/// A BER identifier: class, primitive or constructed, and tag number (ITU-T X.690 §8.1.2). Numbers up to 30 take
/// one octet; larger numbers use the high-tag-number form, e.g. [APPLICATION 31] of the xDLMS conformance block is
/// <c>5F 1F</c>. Numbers are limited to 28 bits (four subsequent octets).
/// </summary>
public readonly record struct BerTag
{
    /// <summary>The largest tag number accepted: four subsequent octets of seven bits.</summary>
    public const int MaxTagValue = (1 << 28) - 1;

    private const int MaxSubsequentOctets = 4;

    public BerTag(BerTagClass tagClass, int tagValue, bool isConstructed = false)
    {
        if (!Enum.IsDefined(tagClass))
        {
            throw new ArgumentOutOfRangeException(nameof(tagClass));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(tagValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tagValue, MaxTagValue);
        TagClass = tagClass;
        TagValue = tagValue;
        IsConstructed = isConstructed;
    }

    public BerTagClass TagClass { get; }

    public int TagValue { get; }

    public bool IsConstructed { get; }

    /// <summary>UNIVERSAL 2, INTEGER.</summary>
    public static BerTag Integer => new(BerTagClass.Universal, 2);

    /// <summary>UNIVERSAL 3, BIT STRING (primitive form).</summary>
    public static BerTag BitString => new(BerTagClass.Universal, 3);

    /// <summary>UNIVERSAL 4, OCTET STRING (primitive form).</summary>
    public static BerTag OctetString => new(BerTagClass.Universal, 4);

    /// <summary>UNIVERSAL 6, OBJECT IDENTIFIER.</summary>
    public static BerTag ObjectIdentifier => new(BerTagClass.Universal, 6);

    public static BerTag Application(int tagValue, bool isConstructed = false) =>
        new(BerTagClass.Application, tagValue, isConstructed);

    public static BerTag ContextSpecific(int tagValue, bool isConstructed = false) =>
        new(BerTagClass.ContextSpecific, tagValue, isConstructed);

    /// <summary>The same class and number in the other form.</summary>
    public BerTag AsConstructed(bool isConstructed = true) => new(TagClass, TagValue, isConstructed);

    /// <summary>True when class and number agree, whatever the form.</summary>
    public bool HasSameClassAndValue(BerTag other) => TagClass == other.TagClass && TagValue == other.TagValue;

    /// <summary>Decodes an identifier at the start of <paramref name="source"/>; false if it is truncated or invalid.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed) =>
        DecodeCore(source, out tag, out bytesConsumed, out _, out _) is null;

    /// <summary>Decodes an identifier at the start of <paramref name="source"/>.</summary>
    /// <exception cref="DlmsFormatException">The identifier is truncated or invalid (offset within source).</exception>
    public static BerTag Decode(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var failure = DecodeCore(source, out var tag, out bytesConsumed, out var reason, out var at);
        if (failure is not null)
        {
            throw new DlmsFormatException(reason, at, failure);
        }

        return tag;
    }

    /// <summary>Octets taken by the encoding of this identifier.</summary>
    public int GetEncodedLength()
    {
        if (TagValue < 0x1F)
        {
            return 1;
        }

        var length = 2;
        for (var v = TagValue >> 7; v != 0; v >>= 7)
        {
            length++;
        }

        return length;
    }

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        var length = GetEncodedLength();
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var first = (byte)(((int)TagClass << 6) | (IsConstructed ? 0x20 : 0));
        if (length == 1)
        {
            destination[0] = (byte)(first | TagValue);
        }
        else
        {
            // X.690 §8.1.2.4: 0x1F in the first octet, then base-128 digits, bit 8 set on all but the last.
            destination[0] = (byte)(first | 0x1F);
            var value = TagValue;
            for (var i = length - 1; i >= 1; i--)
            {
                destination[i] = (byte)((value & 0x7F) | (i == length - 1 ? 0 : 0x80));
                value >>= 7;
            }
        }

        bytesWritten = length;
        return true;
    }

    public int Encode(Span<byte> destination)
    {
        if (!TryEncode(destination, out var written))
        {
            throw new ArgumentException("Destination is too small for the tag", nameof(destination));
        }

        return written;
    }

    public override string ToString()
    {
        var name = TagClass switch
        {
            BerTagClass.Universal => "UNIVERSAL ",
            BerTagClass.Application => "APPLICATION ",
            BerTagClass.Private => "PRIVATE ",
            _ => string.Empty,
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{name}{TagValue}]{(IsConstructed ? " constructed" : string.Empty)}");
    }

    /// <summary>Returns null on success, else a message with its reason and offset.</summary>
    internal static string? DecodeCore(
        ReadOnlySpan<byte> source,
        out BerTag tag,
        out int bytesConsumed,
        out DlmsErrorReason reason,
        out int errorOffset)
    {
        tag = default;
        bytesConsumed = 0;
        reason = DlmsErrorReason.Truncated;
        errorOffset = 0;
        if (source.IsEmpty)
        {
            return "Unexpected end of data: identifier octet expected";
        }

        var first = source[0];
        var tagClass = (BerTagClass)(first >> 6);
        var constructed = (first & 0x20) != 0;
        var number = first & 0x1F;
        if (number != 0x1F)
        {
            tag = new BerTag(tagClass, number, constructed);
            bytesConsumed = 1;
            return null;
        }

        // High-tag-number form, X.690 §8.1.2.4.2.
        var value = 0;
        for (var i = 1; ; i++)
        {
            errorOffset = i;
            if (i >= source.Length)
            {
                reason = DlmsErrorReason.Truncated;
                return "Unexpected end of data inside a high tag number";
            }

            if (i > MaxSubsequentOctets)
            {
                reason = DlmsErrorReason.Unsupported;
                return "Tag number longer than four octets";
            }

            var b = source[i];
            if (i == 1 && b == 0x80)
            {
                reason = DlmsErrorReason.Malformed;
                return "High tag number has a leading zero digit";
            }

            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0)
            {
                if (value < 0x1F)
                {
                    // §8.1.2.2 requires the single-octet form for numbers 0 to 30.
                    errorOffset = 0;
                    reason = DlmsErrorReason.Malformed;
                    return string.Create(CultureInfo.InvariantCulture, $"Tag number {value} uses the high-tag-number form");
                }

                tag = new BerTag(tagClass, value, constructed);
                bytesConsumed = i + 1;
                return null;
            }
        }
    }
}
