using System.Buffers.Binary;
using System.Globalization;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Names one attribute of one COSEM object (Green Book ed. 8 §9.5, <c>Cosem-Attribute-Descriptor ::= SEQUENCE { class-id
/// Cosem-Class-Id (Unsigned16), instance-id Cosem-Object-Instance-Id (OCTET STRING SIZE(6)), attribute-id
/// Cosem-Object-Attribute-Id (Integer8) }</c>). Nine bytes in A-XDR: the fixed-size instance-id has no length prefix.
/// Negative attribute ids are manufacturer specific.
/// </summary>
public readonly record struct CosemAttributeDescriptor(ushort ClassId, ObisCode InstanceId, sbyte AttributeId)
{
    public const int EncodedLength = 9;

    public static bool TryDecode(ReadOnlySpan<byte> source, out CosemAttributeDescriptor value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        ObisCode.TryDecode(source[2..], out var instance, out _);
        value = new CosemAttributeDescriptor(BinaryPrimitives.ReadUInt16BigEndian(source), instance, unchecked((sbyte)source[8]));
        bytesConsumed = EncodedLength;
        return true;
    }

    /// <exception cref="DlmsFormatException">Fewer than nine bytes are present.</exception>
    public static CosemAttributeDescriptor Decode(ReadOnlySpan<byte> source, out int bytesConsumed) =>
        TryDecode(source, out var value, out bytesConsumed)
            ? value
            : throw new DlmsFormatException(DlmsErrorReason.Truncated, source.Length, $"A cosem-attribute-descriptor is {EncodedLength} bytes, {source.Length} present");

    public int GetEncodedLength() => EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < EncodedLength)
        {
            bytesWritten = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, ClassId);
        InstanceId.TryEncode(destination[2..], out _);
        destination[8] = unchecked((byte)AttributeId);
        bytesWritten = EncodedLength;
        return true;
    }

    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than nine bytes.</exception>
    public int Encode(Span<byte> destination) =>
        TryEncode(destination, out var written)
            ? written
            : throw new ArgumentException($"A cosem-attribute-descriptor needs {EncodedLength} bytes", nameof(destination));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"class {ClassId} {InstanceId} attribute {AttributeId}");

    internal static CosemAttributeDescriptor Read(ref AxdrReader reader)
    {
        var classId = reader.ReadUInt16();
        var instance = ObisCode.Read(ref reader);
        return new CosemAttributeDescriptor(classId, instance, reader.ReadSByte());
    }

    internal void Write(AxdrWriter writer)
    {
        writer.WriteUInt16(ClassId);
        InstanceId.Write(writer);
        writer.WriteSByte(AttributeId);
    }
}
