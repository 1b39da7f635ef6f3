using System.Globalization;
using System.Security.Cryptography;

namespace Meterline.Dlms.Acse;

/// <summary>
/// Authentication-value ::= CHOICE { charstring [0], bitstring [1], external [2], other [3] } (Green Book ACSE
/// ASN.1): the calling or responding authentication value of an AARQ or AARE, i.e. an LLS password or an HLS
/// challenge. It is a secret: equality is constant-time and <see cref="ToString"/> never shows it.
/// For <see cref="AuthenticationValueKind.External"/> and <see cref="AuthenticationValueKind.Other"/>,
/// <see cref="Value"/> holds the encoded components (the content octets of the constructed element).
/// </summary>
public sealed record AuthenticationValue
{
    private readonly byte[] _value;

    private AuthenticationValue(AuthenticationValueKind kind, byte[] value, int unusedBits)
    {
        Kind = kind;
        _value = value;
        UnusedBits = unusedBits;
    }

    public AuthenticationValueKind Kind { get; }

    /// <summary>The value octets (for a bit string without its unused-bits octet).</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Unused bits in the last octet of a <see cref="AuthenticationValueKind.BitString"/>, otherwise 0.</summary>
    public int UnusedBits { get; }

    /// <summary>A GraphicString value, e.g. an LLS password or an HLS challenge. The bytes are copied.</summary>
    public static AuthenticationValue CharString(ReadOnlySpan<byte> value) =>
        new(AuthenticationValueKind.CharString, value.ToArray(), 0);

    /// <summary>A BIT STRING value. The bytes are copied.</summary>
    public static AuthenticationValue BitString(ReadOnlySpan<byte> bits, int unusedBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unusedBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(unusedBits, 7);
        if (bits.IsEmpty && unusedBits != 0)
        {
            throw new ArgumentException("An empty bit string has no unused bits", nameof(unusedBits));
        }

        return new(AuthenticationValueKind.BitString, bits.ToArray(), unusedBits);
    }

    /// <summary>An EXTERNAL value given as its encoded components, which must be well-formed BER.</summary>
    public static AuthenticationValue External(ReadOnlySpan<byte> encodedComponents) =>
        Constructed(AuthenticationValueKind.External, encodedComponents);

    /// <summary>An other-mechanism value given as its encoded components, which must be well-formed BER.</summary>
    public static AuthenticationValue Other(ReadOnlySpan<byte> encodedComponents) =>
        Constructed(AuthenticationValueKind.Other, encodedComponents);

    /// <summary>Compares kinds and contents; the contents in constant time.</summary>
    public bool Equals(AuthenticationValue? other) =>
        other is not null && Kind == other.Kind && UnusedBits == other.UnusedBits &&
        CryptographicOperations.FixedTimeEquals(_value, other._value);

    /// <summary>Depends on the kind and length only, never on the secret.</summary>
    public override int GetHashCode() => HashCode.Combine(Kind, UnusedBits, _value.Length);

    /// <summary>Shows the kind and length; the value is redacted.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"AuthenticationValue {{ Kind = {Kind}, Length = {_value.Length}, Value = <redacted> }}");

    /// <summary>Reads an explicitly tagged Authentication-value, e.g. [12] in an AARQ.</summary>
    internal static AuthenticationValue Read(ref BerReader reader, BerTag explicitTag)
    {
        var outer = reader.ReadConstructed(explicitTag);
        var tag = outer.PeekTag();
        if (tag.TagClass != BerTagClass.ContextSpecific || tag.TagValue > (int)AuthenticationValueKind.Other)
        {
            throw outer.Error(DlmsErrorReason.UnknownTag, $"Unknown Authentication-value alternative {tag}");
        }

        var kind = (AuthenticationValueKind)tag.TagValue;
        AuthenticationValue value;
        switch (kind)
        {
            case AuthenticationValueKind.CharString:
                value = new(kind, outer.ReadPrimitive(ChoiceTag(kind)).ToArray(), 0);
                break;
            case AuthenticationValueKind.BitString:
                var content = outer.ReadPrimitive(ChoiceTag(kind));
                var contentStart = outer.Offset - content.Length;
                if (content.IsEmpty || content[0] > 7 || (content.Length == 1 && content[0] != 0))
                {
                    throw new DlmsFormatException(DlmsErrorReason.Malformed, contentStart, "BIT STRING has an invalid unused-bits octet");
                }

                value = new(kind, content[1..].ToArray(), content[0]);
                break;
            default:
                var components = outer.ReadConstructed(ChoiceTag(kind));
                var encoded = components.RemainingBytes;
                components.SkipToEnd();
                value = new(kind, encoded.ToArray(), 0);
                break;
        }

        outer.EnsureAtEnd();
        return value;
    }

    /// <summary>Writes the value inside the explicit tag <paramref name="explicitTag"/>.</summary>
    internal void Write(BerWriter writer, BerTag explicitTag)
    {
        var choiceTag = ChoiceTag(Kind);
        var contentLength = Kind == AuthenticationValueKind.BitString ? _value.Length + 1 : _value.Length;
        writer.WriteHeader(explicitTag, BerWriter.GetEncodedLength(choiceTag, contentLength));
        writer.WriteHeader(choiceTag, contentLength);
        if (Kind == AuthenticationValueKind.BitString)
        {
            writer.WriteBytes([(byte)UnusedBits]);
        }

        writer.WriteBytes(_value);
    }

    private static BerTag ChoiceTag(AuthenticationValueKind kind) =>
        BerTag.ContextSpecific((int)kind, kind >= AuthenticationValueKind.External);

    private static AuthenticationValue Constructed(AuthenticationValueKind kind, ReadOnlySpan<byte> encodedComponents)
    {
        try
        {
            new BerReader(encodedComponents).SkipToEnd();
        }
        catch (DlmsFormatException e)
        {
            throw new ArgumentException("The components are not well-formed BER: " + e.Detail, nameof(encodedComponents), e);
        }

        return new(kind, encodedComponents.ToArray(), 0);
    }
}
