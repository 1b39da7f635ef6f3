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
    public const int EncodedLength = CosemItemLayout.EncodedLength;

    public static bool TryDecode(ReadOnlySpan<byte> source, out CosemAttributeDescriptor value, out int bytesConsumed)
    {
        var ok = CosemItemLayout.TryDecode(source, out var classId, out var instance, out var id);
        value = ok ? new CosemAttributeDescriptor(classId, instance, id) : default;
        bytesConsumed = ok ? EncodedLength : 0;
        return ok;
    }

    /// <exception cref="DlmsFormatException">Fewer than nine bytes are present.</exception>
    public static CosemAttributeDescriptor Decode(ReadOnlySpan<byte> source, out int bytesConsumed) =>
        TryDecode(source, out var value, out bytesConsumed)
            ? value
            : throw new DlmsFormatException(DlmsErrorReason.Truncated, source.Length, $"A cosem-attribute-descriptor is {EncodedLength} bytes, {source.Length} present");

    public int GetEncodedLength() => EncodedLength;

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        var ok = CosemItemLayout.TryEncode(destination, ClassId, InstanceId, AttributeId);
        bytesWritten = ok ? EncodedLength : 0;
        return ok;
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
        var (classId, instance, id) = CosemItemLayout.Read(ref reader);
        return new CosemAttributeDescriptor(classId, instance, id);
    }

    internal void Write(AxdrWriter writer) => CosemItemLayout.Write(writer, ClassId, InstanceId, AttributeId);
}
