using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 1 "Data", version 0 (Blue Book 4.3.1): attribute 2 <c>value</c>, any type. The value is read
/// from <c>read</c> each time; a write goes to <c>write</c>, which validates it and returns the result (and is
/// refused with ReadWriteDenied when there is none).
/// </summary>
public sealed class DataObject : CosemObject
{
    /// <summary>Attribute 2, value.</summary>
    public const sbyte ValueAttribute = 2;

    private readonly Func<CosemData> _read;
    private readonly Func<CosemData, DataAccessResult>? _write;

    public DataObject(ObisCode logicalName, Func<CosemData> read, Func<CosemData, DataAccessResult>? write = null)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
        _write = write;
    }

    public override ushort ClassId => 1;

    public override byte Version => 0;

    public override int AttributeCount => 2;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        new(_read());

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value) =>
        _write is null ? DataAccessResult.ReadWriteDenied : _write(value);
}
