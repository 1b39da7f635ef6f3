using System.Buffers;
using System.Text;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// Reading and writing of the field types the four ACSE APDUs share (Green Book ACSE ASN.1): explicitly tagged
/// OCTET STRINGs (AP titles, AE qualifiers, user-information), explicitly tagged INTEGERs (invocation ids), the
/// application context name, the mechanism name and implementation-information; and the field order check.
/// </summary>
internal static class AcseFields
{
    /// <summary>
    /// Decides what to do with the next field of an ACSE SEQUENCE: true to decode it, false to skip it. Fields
    /// must be context-specific; known fields (bit n of <paramref name="knownFields"/> set for [n]) must appear in
    /// increasing tag order and at most once. Other context-specific fields are extensions of ISO/IEC 8650-1 that
    /// DLMS does not use, and are skipped after checking that they are well formed.
    /// </summary>
    public static bool BeginField(ref BerReader body, BerTag tag, uint knownFields, ref int lastField)
    {
        if (tag.TagClass != BerTagClass.ContextSpecific)
        {
            throw body.Error(DlmsErrorReason.UnknownTag, $"Unexpected field {tag}");
        }

        if (tag.TagValue > 31 || (knownFields & (1u << tag.TagValue)) == 0)
        {
            return false;
        }

        if (tag.TagValue <= lastField)
        {
            throw body.Error(DlmsErrorReason.Malformed, $"Field {tag} is repeated or out of order");
        }

        lastField = tag.TagValue;
        return true;
    }

    /// <summary>The context-specific constructed tag [n] of an explicitly tagged field.</summary>
    public static BerTag Explicit(int tagValue) => BerTag.ContextSpecific(tagValue, isConstructed: true);

    /// <summary>The context-specific primitive tag [n] of an implicitly tagged primitive field.</summary>
    public static BerTag Implicit(int tagValue) => BerTag.ContextSpecific(tagValue);

    /// <summary>Reads [n] EXPLICIT OCTET STRING into a new array.</summary>
    public static ReadOnlyMemory<byte> ReadExplicitOctetString(ref BerReader reader, int tagValue)
    {
        var outer = reader.ReadConstructed(Explicit(tagValue));
        ReadOnlyMemory<byte> value = outer.ReadPrimitive(BerTag.OctetString).ToArray();
        outer.EnsureAtEnd();
        return value;
    }

    /// <summary>Writes [n] EXPLICIT OCTET STRING when <paramref name="value"/> is present.</summary>
    public static void WriteExplicitOctetString(BerWriter writer, int tagValue, ReadOnlyMemory<byte>? value)
    {
        if (value is not { } v)
        {
            return;
        }

        writer.WriteHeader(Explicit(tagValue), BerWriter.GetEncodedLength(BerTag.OctetString, v.Length));
        writer.WritePrimitive(BerTag.OctetString, v.Span);
    }

    public static int ReadExplicitInteger(ref BerReader reader, int tagValue)
    {
        var outer = reader.ReadConstructed(Explicit(tagValue));
        var value = outer.ReadInteger(BerTag.Integer);
        outer.EnsureAtEnd();
        return value;
    }

    /// <summary>Writes [n] EXPLICIT INTEGER when <paramref name="value"/> is present.</summary>
    public static void WriteExplicitInteger(BerWriter writer, int tagValue, int? value)
    {
        if (value is not { } v)
        {
            return;
        }

        writer.WriteHeader(Explicit(tagValue), BerWriter.GetEncodedLength(BerTag.Integer, BerWriter.GetIntegerLength(v)));
        writer.WriteInteger(BerTag.Integer, v);
    }

    /// <summary>application-context-name [n] EXPLICIT OBJECT IDENTIFIER, e.g. <c>A1 09 06 07 60 85 74 05 08 01 01</c>.</summary>
    public static ApplicationContextName ReadApplicationContextName(ref BerReader reader, int tagValue)
    {
        var outer = reader.ReadConstructed(Explicit(tagValue));
        var start = outer.Offset;
        var content = outer.ReadPrimitive(BerTag.ObjectIdentifier);
        if (!DlmsObjectIdentifier.TryParse(content, DlmsObjectIdentifier.ApplicationContextGroup, out var id))
        {
            throw new DlmsFormatException(DlmsErrorReason.UnknownTag, start, "Not a DLMS UA application context name");
        }

        outer.EnsureAtEnd();
        return (ApplicationContextName)id;
    }

    public static void WriteApplicationContextName(BerWriter writer, int tagValue, ApplicationContextName name)
    {
        Span<byte> content = stackalloc byte[DlmsObjectIdentifier.EncodedLength];
        DlmsObjectIdentifier.Write(content, DlmsObjectIdentifier.ApplicationContextGroup, (byte)name);
        writer.WriteHeader(Explicit(tagValue), BerWriter.GetEncodedLength(BerTag.ObjectIdentifier, content.Length));
        writer.WritePrimitive(BerTag.ObjectIdentifier, content);
    }

    /// <summary>mechanism-name [n] IMPLICIT OBJECT IDENTIFIER, e.g. <c>8B 07 60 85 74 05 08 02 01</c>.</summary>
    public static AuthenticationMechanism ReadMechanismName(ref BerReader reader, int tagValue)
    {
        var start = reader.Offset;
        var content = reader.ReadPrimitive(Implicit(tagValue));
        if (!DlmsObjectIdentifier.TryParse(content, DlmsObjectIdentifier.MechanismNameGroup, out var id))
        {
            throw new DlmsFormatException(DlmsErrorReason.UnknownTag, start, "Not a DLMS UA authentication mechanism name");
        }

        return (AuthenticationMechanism)id;
    }

    public static void WriteMechanismName(BerWriter writer, int tagValue, AuthenticationMechanism? mechanism)
    {
        if (mechanism is not { } m)
        {
            return;
        }

        Span<byte> content = stackalloc byte[DlmsObjectIdentifier.EncodedLength];
        DlmsObjectIdentifier.Write(content, DlmsObjectIdentifier.MechanismNameGroup, (byte)m);
        writer.WritePrimitive(Implicit(tagValue), content);
    }

    /// <summary>implementation-information [29] IMPLICIT GraphicString, one character per octet (Latin-1).</summary>
    public static string ReadGraphicString(ref BerReader reader, int tagValue) =>
        Encoding.Latin1.GetString(reader.ReadPrimitive(Implicit(tagValue)));

    /// <summary>Writes [n] IMPLICIT GraphicString when <paramref name="value"/> is present.</summary>
    public static void WriteGraphicString(BerWriter writer, int tagValue, string? value)
    {
        if (value is not null)
        {
            writer.WritePrimitive(Implicit(tagValue), Encoding.Latin1.GetBytes(value));
        }
    }

    /// <summary>[n] IMPLICIT BIT STRING with named bits, as flags (bit n = 1 &lt;&lt; n).</summary>
    public static uint ReadBitString(ref BerReader reader, int tagValue) => AcseBitString.Read(ref reader, Implicit(tagValue));

    /// <summary>Writes [n] IMPLICIT BIT STRING when <paramref name="flags"/> is present.</summary>
    public static void WriteBitString(BerWriter writer, int tagValue, uint? flags)
    {
        if (flags is { } f)
        {
            AcseBitString.Write(writer, Implicit(tagValue), f);
        }
    }

    /// <summary>Writes the whole APDU: [APPLICATION n] constructed around the encoded fields.</summary>
    public static void WriteApdu(AxdrWriter writer, int applicationTag, ArrayBufferWriter<byte> fields) =>
        new BerWriter(writer.Output).WriteConstructed(BerTag.Application(applicationTag, isConstructed: true), fields.WrittenSpan);

    /// <summary>Checks that every character fits one GraphicString octet, for a property setter.</summary>
    public static string? CheckGraphicString(string? value, string parameterName)
    {
        if (value is not null && value.Any(c => c > '\u00FF'))
        {
            throw new ArgumentException("Characters above U+00FF cannot be encoded in a GraphicString", parameterName);
        }

        return value;
    }
}
