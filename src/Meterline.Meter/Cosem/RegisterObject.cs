using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 3 "Register", version 0 (Blue Book 4.3.2): attribute 2 <c>value</c>, attribute 3
/// <c>scaler_unit</c> (structure {scaler integer, unit enum}); method 1 <c>reset</c> (data integer(0)). The value
/// comes from <c>value</c> on every read; it can be written only when a <c>write</c> callback is given
/// (prepayment registers the head-end sets), which validates it. scaler_unit is fixed.
/// </summary>
public sealed class RegisterObject : CosemObject
{
    /// <summary>Attribute 2, value.</summary>
    public const sbyte ValueAttribute = 2;

    /// <summary>Attribute 3, scaler_unit.</summary>
    public const sbyte ScalerUnitAttribute = 3;

    private readonly Func<CosemData> _value;
    private readonly Func<bool>? _reset;
    private readonly Func<CosemData, DataAccessResult>? _write;

    public RegisterObject(
        ObisCode ln,
        ScalerUnit scalerUnit,
        Func<CosemData> value,
        Func<bool>? reset = null,
        Func<CosemData, DataAccessResult>? write = null)
        : base(ln)
    {
        ArgumentNullException.ThrowIfNull(value);
        ScalerUnit = scalerUnit;
        _value = value;
        _reset = reset;
        _write = write;
    }

    public ScalerUnit ScalerUnit { get; }

    public override ushort ClassId => 3;

    public override byte Version => 0;

    public override int AttributeCount => 3;

    public override int MethodCount => 1;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        attributeId == ValueAttribute ? new(_value()) : new(ScalerUnit.ToData());

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value) =>
        attributeId == ValueAttribute && _write is not null ? _write(value) : DataAccessResult.ReadWriteDenied;

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        RegisterReset.Invoke(_reset, parameters);
}
