using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// A-XDR encoding of COSEM <see cref="CosemData"/> (IEC 62056-6-2 / Green Book "Data"). Decoding checks every
/// length and count against the bytes present, limits nesting to the reader's <see cref="AxdrReader.MaxDepth"/>,
/// and reports the offset of any malformed field.
/// </summary>
public static class CosemDataCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes exactly one value that must span the whole input.</summary>
    public static CosemData Decode(ReadOnlySpan<byte> source, int maxDepth = AxdrReader.DefaultMaxDepth)
    {
        var reader = new AxdrReader(source, maxDepth: maxDepth);
        var value = Read(ref reader);
        reader.EnsureAtEnd();
        return value;
    }

    /// <summary>Reads one tagged value at the reader's position.</summary>
    public static CosemData Read(ref AxdrReader reader) => ReadTagged(ref reader, 0);

    /// <summary>Encodes one value to a new array.</summary>
    public static byte[] Encode(CosemData value)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        Write(new AxdrWriter(buffer), value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes one tagged value.</summary>
    public static void Write(AxdrWriter writer, CosemData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteByte((byte)value.Tag);
        switch (value)
        {
            case CosemData.Array array:
                WriteItems(writer, array.Items);
                break;
            case CosemData.Structure structure:
                WriteItems(writer, structure.Items);
                break;
            case CosemData.CompactArray compact:
                WriteCompactArray(writer, compact);
                break;
            default:
                WriteContent(writer, value);
                break;
        }
    }

    /// <summary>Reads a compact-array TypeDescription.</summary>
    public static TypeDescription ReadTypeDescription(ref AxdrReader reader) => ReadTypeDescription(ref reader, 0);

    /// <summary>Writes a compact-array TypeDescription.</summary>
    public static void WriteTypeDescription(AxdrWriter writer, TypeDescription description)
    {
        switch (description)
        {
            case TypeDescription.Simple simple:
                writer.WriteByte((byte)simple.Type);
                break;
            case TypeDescription.ArrayOf array:
                writer.WriteByte((byte)DataTag.Array);
                writer.WriteUInt16(array.NumberOfElements);
                WriteTypeDescription(writer, array.ElementType);
                break;
            case TypeDescription.StructureOf structure:
                writer.WriteByte((byte)DataTag.Structure);
                writer.WriteLength(structure.MemberTypes.Length);
                foreach (var member in structure.MemberTypes)
                {
                    WriteTypeDescription(writer, member);
                }

                break;
            default:
                throw new ArgumentException($"Unknown type description {description}", nameof(description));
        }
    }

    private static CosemData ReadTagged(ref AxdrReader reader, int depth)
    {
        var tagOffset = reader.Position;
        var tag = (DataTag)reader.ReadByte();
        switch (tag)
        {
            case DataTag.Array:
            case DataTag.Structure:
                EnterNested(ref reader, depth, tagOffset);
                // Every element takes at least its tag byte, so the count is bounded by the bytes present and the
                // builder can be sized exactly: one reference per input byte at most, and no regrowth.
                var count = reader.ReadCount(minimumBytesPerElement: 1);
                var items = count == 0 ? [] : new CosemData[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = ReadTagged(ref reader, depth + 1);
                }

                var list = ImmutableCollectionsMarshal.AsImmutableArray(items);
                return tag == DataTag.Array ? new CosemData.Array(list) : new CosemData.Structure(list);
            case DataTag.CompactArray:
                EnterNested(ref reader, depth, tagOffset);
                return ReadCompactArray(ref reader, depth + 1);
            case DataTag.NullData:
                return CosemData.NullData.Instance;
            case DataTag.DontCare:
                return CosemData.DontCare.Instance;
            default:
                if (!IsSimple(tag))
                {
                    throw reader.ErrorAt(tagOffset, DlmsErrorReason.UnknownTag, $"Unknown data tag {(byte)tag}");
                }

                return ReadContent(ref reader, tag);
        }
    }

    private static void EnterNested(ref AxdrReader reader, int depth, int tagOffset)
    {
        if (depth + 1 > reader.MaxDepth)
        {
            throw reader.ErrorAt(tagOffset, DlmsErrorReason.NestingTooDeep, $"Data nested deeper than {reader.MaxDepth} levels");
        }
    }

    /// <summary>Reads the content of a simple (non-container) type whose tag is already known.</summary>
    private static CosemData ReadContent(ref AxdrReader reader, DataTag tag)
    {
        switch (tag)
        {
            case DataTag.Boolean:
                return new CosemData.Boolean(reader.ReadByte() != 0);
            case DataTag.BitString:
                var lengthOffset = reader.Position;
                var bits = reader.ReadLength();
                var byteCount = (int)(((long)bits + 7) / 8);
                if (byteCount > reader.Remaining)
                {
                    throw reader.ErrorAt(lengthOffset, DlmsErrorReason.LengthOutOfRange, $"Bit-string of {bits} bits exceeds the {reader.Remaining} bytes present");
                }

                return new CosemData.BitString(reader.ReadBytes(byteCount).ToArray(), bits);
            case DataTag.DoubleLong:
                return new CosemData.DoubleLong(reader.ReadInt32());
            case DataTag.DoubleLongUnsigned:
                return new CosemData.DoubleLongUnsigned(reader.ReadUInt32());
            case DataTag.OctetString:
                return new CosemData.OctetString(reader.ReadLengthPrefixedBytes().ToArray());
            case DataTag.VisibleString:
                return new CosemData.VisibleString(Encoding.Latin1.GetString(reader.ReadLengthPrefixedBytes()));
            case DataTag.Utf8String:
                var textOffset = reader.Position;
                var utf8 = reader.ReadLengthPrefixedBytes();
                try
                {
                    return new CosemData.Utf8String(StrictUtf8.GetString(utf8));
                }
                catch (DecoderFallbackException)
                {
                    throw reader.ErrorAt(textOffset, DlmsErrorReason.Malformed, "utf8-string is not valid UTF-8");
                }

            case DataTag.Bcd:
                return new CosemData.Bcd(reader.ReadByte());
            case DataTag.Integer:
                return new CosemData.Integer(reader.ReadSByte());
            case DataTag.Long:
                return new CosemData.Long(reader.ReadInt16());
            case DataTag.Unsigned:
                return new CosemData.Unsigned(reader.ReadByte());
            case DataTag.LongUnsigned:
                return new CosemData.LongUnsigned(reader.ReadUInt16());
            case DataTag.Long64:
                return new CosemData.Long64(reader.ReadInt64());
            case DataTag.Long64Unsigned:
                return new CosemData.Long64Unsigned(reader.ReadUInt64());
            case DataTag.Enum:
                return new CosemData.Enum(reader.ReadByte());
            case DataTag.Float32:
                return new CosemData.Float32(reader.ReadSingle());
            case DataTag.Float64:
                return new CosemData.Float64(reader.ReadDouble());
            case DataTag.DateTime:
                CosemDateTime.TryDecode(reader.ReadBytes(CosemDateTime.EncodedLength), out var dateTime, out _);
                return new CosemData.DateTime(dateTime);
            case DataTag.Date:
                CosemDate.TryDecode(reader.ReadBytes(CosemDate.EncodedLength), out var date, out _);
                return new CosemData.Date(date);
            case DataTag.Time:
                CosemTime.TryDecode(reader.ReadBytes(CosemTime.EncodedLength), out var time, out _);
                return new CosemData.Time(time);
            default:
                throw reader.Error(DlmsErrorReason.UnknownTag, $"Data tag {(byte)tag} has no simple content");
        }
    }

    private static void WriteContent(AxdrWriter writer, CosemData value)
    {
        switch (value)
        {
            case CosemData.NullData:
            case CosemData.DontCare:
                break;
            case CosemData.Boolean b:
                writer.WriteBoolean(b.Value);
                break;
            case CosemData.BitString bits:
                writer.WriteLength(bits.BitLength);
                writer.WriteBytes(bits.Bytes.Span);
                break;
            case CosemData.DoubleLong v:
                writer.WriteInt32(v.Value);
                break;
            case CosemData.DoubleLongUnsigned v:
                writer.WriteUInt32(v.Value);
                break;
            case CosemData.OctetString v:
                writer.WriteLengthPrefixedBytes(v.Value.Span);
                break;
            case CosemData.VisibleString v:
                WriteLatin1(writer, v.Value);
                break;
            case CosemData.Utf8String v:
                writer.WriteLengthPrefixedBytes(StrictUtf8.GetBytes(v.Value));
                break;
            case CosemData.Bcd v:
                writer.WriteByte(v.Value);
                break;
            case CosemData.Integer v:
                writer.WriteSByte(v.Value);
                break;
            case CosemData.Long v:
                writer.WriteInt16(v.Value);
                break;
            case CosemData.Unsigned v:
                writer.WriteByte(v.Value);
                break;
            case CosemData.LongUnsigned v:
                writer.WriteUInt16(v.Value);
                break;
            case CosemData.Long64 v:
                writer.WriteInt64(v.Value);
                break;
            case CosemData.Long64Unsigned v:
                writer.WriteUInt64(v.Value);
                break;
            case CosemData.Enum v:
                writer.WriteByte(v.Value);
                break;
            case CosemData.Float32 v:
                writer.WriteSingle(v.Value);
                break;
            case CosemData.Float64 v:
                writer.WriteDouble(v.Value);
                break;
            case CosemData.DateTime v:
                v.Value.TryEncode(writer.Output.GetSpan(CosemDateTime.EncodedLength), out var n1);
                writer.Output.Advance(n1);
                break;
            case CosemData.Date v:
                v.Value.TryEncode(writer.Output.GetSpan(CosemDate.EncodedLength), out var n2);
                writer.Output.Advance(n2);
                break;
            case CosemData.Time v:
                v.Value.TryEncode(writer.Output.GetSpan(CosemTime.EncodedLength), out var n3);
                writer.Output.Advance(n3);
                break;
            default:
                throw new ArgumentException($"{value.Tag} is not a simple type", nameof(value));
        }
    }

    private static void WriteLatin1(AxdrWriter writer, string text)
    {
        foreach (var c in text)
        {
            if (c > 0xFF)
            {
                throw new ArgumentException("A visible-string holds one byte per character", nameof(text));
            }
        }

        writer.WriteLengthPrefixedBytes(Encoding.Latin1.GetBytes(text));
    }

    private static void WriteItems(AxdrWriter writer, ImmutableArray<CosemData> items)
    {
        var list = items.IsDefault ? ImmutableArray<CosemData>.Empty : items;
        writer.WriteLength(list.Length);
        foreach (var item in list)
        {
            Write(writer, item);
        }
    }

    private static bool IsSimple(DataTag tag) => tag is DataTag.Boolean or DataTag.BitString or DataTag.DoubleLong
        or DataTag.DoubleLongUnsigned or DataTag.OctetString or DataTag.VisibleString or DataTag.Utf8String
        or DataTag.Bcd or DataTag.Integer or DataTag.Long or DataTag.Unsigned or DataTag.LongUnsigned
        or DataTag.Long64 or DataTag.Long64Unsigned or DataTag.Enum or DataTag.Float32 or DataTag.Float64
        or DataTag.DateTime or DataTag.Date or DataTag.Time;

    /// <summary>Bytes an untagged value of a simple type takes at least (its fixed size, or its length byte).</summary>
    private static int MinimumContentSize(DataTag tag) => tag switch
    {
        DataTag.DoubleLong or DataTag.DoubleLongUnsigned or DataTag.Float32 or DataTag.Time => 4,
        DataTag.Long or DataTag.LongUnsigned => 2,
        DataTag.Long64 or DataTag.Long64Unsigned or DataTag.Float64 => 8,
        DataTag.DateTime => CosemDateTime.EncodedLength,
        DataTag.Date => CosemDate.EncodedLength,
        _ => 1,
    };

    private static TypeDescription ReadTypeDescription(ref AxdrReader reader, int depth)
    {
        var tagOffset = reader.Position;
        var tag = (DataTag)reader.ReadByte();
        switch (tag)
        {
            case DataTag.Array:
                EnterNested(ref reader, depth, tagOffset);
                var count = reader.ReadUInt16();
                return new TypeDescription.ArrayOf(count, ReadTypeDescription(ref reader, depth + 1));
            case DataTag.Structure:
                EnterNested(ref reader, depth, tagOffset);
                var members = reader.ReadCount(minimumBytesPerElement: 1);
                var builder = ImmutableArray.CreateBuilder<TypeDescription>(members);
                for (var i = 0; i < members; i++)
                {
                    builder.Add(ReadTypeDescription(ref reader, depth + 1));
                }

                return new TypeDescription.StructureOf(builder.MoveToImmutable());
            default:
                if (!IsSimple(tag))
                {
                    throw reader.ErrorAt(tagOffset, DlmsErrorReason.UnknownTag, $"Data tag {(byte)tag} cannot describe compact-array contents");
                }

                return new TypeDescription.Simple(tag);
        }
    }

    /// <summary>
    /// The least number of content bytes one value of <paramref name="description"/> takes, saturating at
    /// <see cref="int.MaxValue"/>. Zero means the description admits an empty value.
    /// </summary>
    private static long MinimumSize(TypeDescription description) => description switch
    {
        TypeDescription.Simple simple => MinimumContentSize(simple.Type),
        TypeDescription.ArrayOf array => Math.Min(int.MaxValue, array.NumberOfElements * MinimumSize(array.ElementType)),
        TypeDescription.StructureOf structure => Math.Min(int.MaxValue, structure.MemberTypes.Sum(MinimumSize)),
        _ => 0,
    };

    private static CosemData.CompactArray ReadCompactArray(ref AxdrReader reader, int depth)
    {
        var descriptionOffset = reader.Position;
        var description = ReadTypeDescription(ref reader, depth);
        var elementSize = MinimumSize(description);
        var contents = reader.ReadLengthPrefixedBytes();
        if (elementSize == 0)
        {
            throw reader.ErrorAt(descriptionOffset, DlmsErrorReason.Malformed, "Compact-array element type describes no content");
        }

        var contentReader = new AxdrReader(contents, reader.Offset - contents.Length, reader.MaxDepth);
        var elements = ImmutableArray.CreateBuilder<CosemData>((int)Math.Min(contents.Length / elementSize, 64));
        while (!contentReader.IsAtEnd)
        {
            if (elementSize > contentReader.Remaining)
            {
                throw contentReader.Error(DlmsErrorReason.Malformed, "Compact-array contents end inside an element");
            }

            elements.Add(ReadUntagged(ref contentReader, description));
        }

        return new CosemData.CompactArray(description, elements.ToImmutable());
    }

    private static CosemData ReadUntagged(ref AxdrReader reader, TypeDescription description)
    {
        try
        {
            switch (description)
            {
                case TypeDescription.Simple simple:
                    return ReadContent(ref reader, simple.Type);
                case TypeDescription.ArrayOf array:
                    reader.CheckCount(array.NumberOfElements, (int)Math.Min(int.MaxValue, MinimumSize(array.ElementType)), reader.Position);
                    var items = ImmutableArray.CreateBuilder<CosemData>(array.NumberOfElements);
                    for (var i = 0; i < array.NumberOfElements; i++)
                    {
                        items.Add(ReadUntagged(ref reader, array.ElementType));
                    }

                    return new CosemData.Array(items.MoveToImmutable());
                case TypeDescription.StructureOf structure:
                    var members = ImmutableArray.CreateBuilder<CosemData>(structure.MemberTypes.Length);
                    foreach (var member in structure.MemberTypes)
                    {
                        members.Add(ReadUntagged(ref reader, member));
                    }

                    return new CosemData.Structure(members.MoveToImmutable());
                default:
                    throw reader.Error(DlmsErrorReason.Malformed, "Unknown type description");
            }
        }
        catch (DlmsFormatException e) when (e.Reason == DlmsErrorReason.Truncated)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, e.Offset, "Compact-array contents disagree with the type description");
        }
    }

    private static void WriteCompactArray(AxdrWriter writer, CosemData.CompactArray compact)
    {
        if (MinimumSize(compact.ContentsDescription) == 0)
        {
            throw new ArgumentException("Compact-array element type describes no content", nameof(compact));
        }

        WriteTypeDescription(writer, compact.ContentsDescription);
        var contents = new ArrayBufferWriter<byte>(64);
        var contentWriter = new AxdrWriter(contents);
        foreach (var element in compact.Elements.IsDefault ? ImmutableArray<CosemData>.Empty : compact.Elements)
        {
            WriteUntagged(contentWriter, compact.ContentsDescription, element);
        }

        writer.WriteLengthPrefixedBytes(contents.WrittenSpan);
    }

    private static void WriteUntagged(AxdrWriter writer, TypeDescription description, CosemData value)
    {
        switch (description)
        {
            case TypeDescription.Simple simple when simple.Type == value.Tag:
                WriteContent(writer, value);
                break;
            case TypeDescription.ArrayOf array when value is CosemData.Array items && items.Items.Length == array.NumberOfElements:
                foreach (var item in items.Items)
                {
                    WriteUntagged(writer, array.ElementType, item);
                }

                break;
            case TypeDescription.StructureOf structure when value is CosemData.Structure members && members.Items.Length == structure.MemberTypes.Length:
                for (var i = 0; i < members.Items.Length; i++)
                {
                    WriteUntagged(writer, structure.MemberTypes[i], members.Items[i]);
                }

                break;
            default:
                throw new ArgumentException($"Compact-array element {value} does not match {description}", nameof(value));
        }
    }
}
