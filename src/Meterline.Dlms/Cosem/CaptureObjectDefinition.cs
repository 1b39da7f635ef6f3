using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// One column of a Profile generic buffer (Blue Book, class 7 capture_objects: <c>capture_object_definition ::=
/// structure { class_id long-unsigned, logical_name octet-string(6), attribute_index integer, data_index
/// long-unsigned }</c>). A data index of 0 means the whole attribute.
/// </summary>
public readonly record struct CaptureObjectDefinition(ushort ClassId, ObisCode LogicalName, sbyte AttributeIndex, ushort DataIndex)
{
    private const int MemberCount = 4;

    /// <summary>The Clock's time attribute (class 8, 0.0.1.0.0.255, attribute 2): the usual restricting object.</summary>
    public static CaptureObjectDefinition Clock { get; } = new(8, ObisCode.Clock, 2, 0);

    /// <summary>The column for a whole attribute named by <paramref name="attribute"/>.</summary>
    public static CaptureObjectDefinition FromAttribute(CosemAttributeDescriptor attribute, ushort dataIndex = 0) =>
        new(attribute.ClassId, attribute.InstanceId, attribute.AttributeId, dataIndex);

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.LongUnsigned(ClassId),
        new CosemData.OctetString(LogicalName.ToArray()),
        new CosemData.Integer(AttributeIndex),
        new CosemData.LongUnsigned(DataIndex));

    public static bool TryFromData([NotNullWhen(true)] CosemData? data, out CaptureObjectDefinition value) =>
        Convert(data, out value) is null;

    /// <exception cref="DlmsFormatException">The data is not a capture_object_definition structure.</exception>
    public static CaptureObjectDefinition FromData(CosemData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Convert(data, out var value) is { } error ? throw error.ToException(data) : value;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"class {ClassId} {LogicalName} attribute {AttributeIndex} data index {DataIndex}");

    internal static DataShapeError? Convert(CosemData? data, out CaptureObjectDefinition value)
    {
        value = default;
        if (data is not CosemData.Structure { Items: { IsDefault: false, Length: MemberCount } items })
        {
            return DataShapeError.At("A capture_object_definition is a structure of 4 members");
        }

        if (items[0] is not CosemData.LongUnsigned classId)
        {
            return DataShapeError.At("capture_object_definition.class_id must be long-unsigned").Within(0);
        }

        if (items[1] is not CosemData.OctetString { Value.Length: ObisCode.EncodedLength } name)
        {
            return DataShapeError.At("capture_object_definition.logical_name must be an octet-string of 6 bytes").Within(1);
        }

        if (items[2] is not CosemData.Integer attribute)
        {
            return DataShapeError.At("capture_object_definition.attribute_index must be integer").Within(2);
        }

        if (items[3] is not CosemData.LongUnsigned dataIndex)
        {
            return DataShapeError.At("capture_object_definition.data_index must be long-unsigned").Within(3);
        }

        ObisCode.TryDecode(name.Value.Span, out var logicalName, out _);
        value = new CaptureObjectDefinition(classId.Value, logicalName, attribute.Value, dataIndex.Value);
        return null;
    }
}
