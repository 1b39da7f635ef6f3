using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>A-XDR building blocks shared by the xDLMS APDU records (Green Book ed. 8 §9.5 encoded per IEC 61334-6).</summary>
internal static class ApduFields
{
    /// <summary>Consumes the tag and CHOICE bytes that start a GET, SET or ACTION APDU, checking both.</summary>
    public static void ReadHeader(ref AxdrReader reader, byte tag, byte choice, string name)
    {
        ReadTag(ref reader, tag, name);
        var choiceOffset = reader.Position;
        var actual = reader.ReadByte();
        if (actual != choice)
        {
            throw reader.ErrorAt(choiceOffset, DlmsErrorReason.Malformed, $"{name} is choice {choice}, not {actual}");
        }
    }

    /// <summary>Consumes the tag byte, checking it.</summary>
    public static void ReadTag(ref AxdrReader reader, byte tag, string name)
    {
        var tagOffset = reader.Position;
        var actual = reader.ReadByte();
        if (actual != tag)
        {
            throw reader.ErrorAt(tagOffset, DlmsErrorReason.Malformed, $"{name} has tag 0x{tag:X2}, not 0x{actual:X2}");
        }
    }

    public static void WriteHeader(AxdrWriter writer, byte tag, byte choice)
    {
        writer.WriteByte(tag);
        writer.WriteByte(choice);
    }

    /// <summary>
    /// Returns the CHOICE byte that follows the tag without consuming anything; the reader must be at the tag.
    /// </summary>
    public static byte PeekChoice(AxdrReader reader)
    {
        reader.ReadByte();
        return reader.ReadByte();
    }

    /// <summary>An exception for an unknown CHOICE byte, the byte after the tag at the reader's position.</summary>
    public static DlmsFormatException UnknownChoice(AxdrReader reader, string name, byte choice) =>
        reader.ErrorAt(reader.Position + 1, DlmsErrorReason.UnknownTag, $"Unknown {name} choice {choice}");

    /// <summary>Reads the usage flag of an OPTIONAL component: 0x00 absent, 0x01 present.</summary>
    public static bool ReadPresence(ref AxdrReader reader, string name)
    {
        var offset = reader.Position;
        return reader.ReadByte() switch
        {
            0x00 => false,
            0x01 => true,
            var flag => throw reader.ErrorAt(offset, DlmsErrorReason.Malformed, $"Usage flag of optional {name} is 0x{flag:X2}, not 0x00 or 0x01"),
        };
    }

    public static void WritePresence(AxdrWriter writer, bool present) => writer.WriteByte(present ? (byte)0x01 : (byte)0x00);

    /// <summary>Reads an A-XDR BOOLEAN: 0x00 is FALSE, any other value TRUE.</summary>
    public static bool ReadBoolean(ref AxdrReader reader) => reader.ReadByte() != 0;

    /// <summary>
    /// Writes a BOOLEAN of the block-transfer APDUs as 0x00 or 0x01, the form the published block-transfer exchanges
    /// use (for example u9n/dlms-cosem tests/test_xdlms/test_get.py, last-block = 01).
    /// </summary>
    public static void WriteBoolean(AxdrWriter writer, bool value) => writer.WriteByte(value ? (byte)0x01 : (byte)0x00);

    public static DataAccessResult ReadDataAccessResult(ref AxdrReader reader) => ReadEnum<DataAccessResult>(ref reader, "Data-Access-Result");

    public static ActionResult ReadActionResult(ref AxdrReader reader) => ReadEnum<ActionResult>(ref reader, "Action-Result");

    /// <summary>Reads a one-byte ENUMERATED (an enum whose underlying type is byte), rejecting undefined values.</summary>
    public static TEnum ReadEnum<TEnum>(ref AxdrReader reader, string name)
        where TEnum : struct, Enum
    {
        var offset = reader.Position;
        var raw = reader.ReadByte();
        var value = Unsafe.BitCast<byte, TEnum>(raw);
        return Enum.IsDefined(value)
            ? value
            : throw reader.ErrorAt(offset, DlmsErrorReason.UnknownTag, $"{raw} is not a defined {name} value");
    }

    /// <summary>Reads an OPTIONAL Selective-Access-Descriptor (access-selection).</summary>
    public static SelectiveAccessDescriptor? ReadAccessSelection(ref AxdrReader reader) =>
        ReadPresence(ref reader, "access-selection") ? SelectiveAccessDescriptor.Read(ref reader) : null;

    public static void WriteAccessSelection(AxdrWriter writer, SelectiveAccessDescriptor? access)
    {
        WritePresence(writer, access is not null);
        access?.Write(writer);
    }

    /// <summary>Reads an OPTIONAL Data (method-invocation-parameters).</summary>
    public static CosemData? ReadOptionalData(ref AxdrReader reader, string name) =>
        ReadPresence(ref reader, name) ? CosemDataCodec.Read(ref reader) : null;

    public static void WriteOptionalData(AxdrWriter writer, CosemData? value)
    {
        WritePresence(writer, value is not null);
        if (value is not null)
        {
            CosemDataCodec.Write(writer, value);
        }
    }

    /// <summary>
    /// Reads an OCTET STRING that carries a COSEM date-time: 12 bytes (Blue Book 4.1.6.1), or, where
    /// <paramref name="allowEmpty"/>, none at all (then null).
    /// </summary>
    public static CosemDateTime? ReadDateTimeOctetString(ref AxdrReader reader, string name, bool allowEmpty)
    {
        var lengthOffset = reader.Position;
        var octets = reader.ReadLengthPrefixedBytes();
        if (octets.IsEmpty && allowEmpty)
        {
            return null;
        }

        if (octets.Length != CosemDateTime.EncodedLength)
        {
            throw reader.ErrorAt(
                lengthOffset,
                DlmsErrorReason.Malformed,
                $"{name} is an octet-string of {octets.Length} bytes, not {(allowEmpty ? "0 or " : string.Empty)}{CosemDateTime.EncodedLength}");
        }

        CosemDateTime.TryDecode(octets, out var value, out _);
        return value;
    }

    public static void WriteDateTimeOctetString(AxdrWriter writer, CosemDateTime? value)
    {
        if (value is { } dateTime)
        {
            writer.WriteLength(CosemDateTime.EncodedLength);
            dateTime.TryEncode(writer.Output.GetSpan(CosemDateTime.EncodedLength), out var written);
            writer.Output.Advance(written);
        }
        else
        {
            writer.WriteLength(0);
        }
    }

    /// <summary>
    /// Reads a SEQUENCE OF: the A-XDR count is checked against the bytes present, at
    /// <paramref name="minimumElementLength"/> bytes per element, before anything is allocated.
    /// </summary>
    public static ImmutableArray<T> ReadList<T>(ref AxdrReader reader, int minimumElementLength, ElementReader<T> readElement)
    {
        var count = reader.ReadCount(minimumElementLength);
        var items = ImmutableArray.CreateBuilder<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(readElement(ref reader));
        }

        return items.MoveToImmutable();
    }

    public static void WriteList<T>(AxdrWriter writer, ImmutableArray<T> items, ElementWriter<T> writeElement)
    {
        var list = items.OrEmpty();
        writer.WriteLength(list.Length);
        foreach (var item in list)
        {
            writeElement(writer, item);
        }
    }

    public delegate T ElementReader<T>(ref AxdrReader reader);

    public delegate void ElementWriter<T>(AxdrWriter writer, T item);
}
