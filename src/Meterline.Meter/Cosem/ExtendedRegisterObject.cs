using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 4 "Extended register", version 0 (Blue Book 4.3.3): attribute 2 <c>value</c>, 3
/// <c>scaler_unit</c>, 4 <c>status</c>, 5 <c>capture_time</c> (octet-string date-time, in the clock's time zone and
/// deviation convention; every field "not specified" when nothing was captured); method 1 <c>reset</c> (data
/// integer(0)). Read-only apart from reset.
/// </summary>
public sealed class ExtendedRegisterObject : CosemObject
{
    /// <summary>Attribute 2, value.</summary>
    public const sbyte ValueAttribute = 2;

    /// <summary>Attribute 3, scaler_unit.</summary>
    public const sbyte ScalerUnitAttribute = 3;

    /// <summary>Attribute 4, status.</summary>
    public const sbyte StatusAttribute = 4;

    /// <summary>Attribute 5, capture_time.</summary>
    public const sbyte CaptureTimeAttribute = 5;

    private readonly Func<ExtendedRegisterValue> _value;
    private readonly MeterClock _clock;
    private readonly Func<bool>? _reset;

    public ExtendedRegisterObject(ObisCode ln, ScalerUnit scalerUnit, Func<ExtendedRegisterValue> value, MeterClock clock, Func<bool>? reset = null)
        : base(ln)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(clock);
        ScalerUnit = scalerUnit;
        _value = value;
        _clock = clock;
        _reset = reset;
    }

    public ScalerUnit ScalerUnit { get; }

    public override ushort ClassId => 4;

    public override byte Version => 0;

    public override int AttributeCount => 5;

    public override int MethodCount => 1;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection)
    {
        if (attributeId == ScalerUnitAttribute)
        {
            return new(ScalerUnit.ToData());
        }

        var current = _value();
        return attributeId switch
        {
            ValueAttribute => new(current.Value),
            StatusAttribute => new(current.Status),
            _ => new(CosemData.OctetString.FromDateTime(current.CaptureTime is { } time ? _clock.ToCosem(time) : CosemDateTime.Unspecified)),
        };
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        RegisterReset.Invoke(_reset, parameters);
}
