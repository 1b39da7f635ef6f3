using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// value_definition of the Limiter's monitored_value (Blue Book 4.5.9, class 71, attribute 2): structure {class_id
/// long-unsigned, logical_name octet-string, attribute_index integer}.
/// </summary>
public readonly record struct ValueDefinition(ushort ClassId, ObisCode LogicalName, sbyte AttributeIndex)
{
    /// <summary>Instantaneous active power, 1.0.1.7.0.255 (class 3, value).</summary>
    public static ValueDefinition ActivePower { get; } = new(3, new ObisCode(1, 0, 1, 7, 0, 255), 2);

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.LongUnsigned(ClassId),
        new CosemData.OctetString(LogicalName.ToArray()),
        new CosemData.Integer(AttributeIndex));
}
