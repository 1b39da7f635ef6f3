using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// A Profile generic (class 7, version 1) whose buffer is one static row captured at manufacture: the name plate
/// (IS 15959: serial number, manufacturer, firmware version, logical device name). Its columns are strings, which
/// <see cref="ProfileGenericObject"/>'s compact numeric buffer does not hold. Selective access is not offered: there
/// is one entry.
/// </summary>
public sealed class NamePlateObject : CosemObject
{
    private readonly ImmutableArray<CaptureObjectDefinition> _columns;
    private readonly CosemData _row;

    public NamePlateObject(ObisCode logicalName, IReadOnlyList<(CaptureObjectDefinition Column, CosemData Value)> row)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(row);
        _columns = [.. row.Select(c => c.Column)];
        _row = new CosemData.Structure(row.Select(c => c.Value).ToImmutableArray());
    }

    public override ushort ClassId => 7;

    public override byte Version => 1;

    public override int AttributeCount => 8;

    public override int MethodCount => 2;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        new(attributeId switch
        {
            2 => new CosemData.Array(_row),
            3 => new CosemData.Array(_columns.Select(c => c.ToData()).ToImmutableArray()),
            4 => new CosemData.DoubleLongUnsigned(0),
            5 => new CosemData.Enum(1),
            6 => new CaptureObjectDefinition(0, new ObisCode(0, 0, 0, 0, 0, 0), 0, 0).ToData(),
            _ => new CosemData.DoubleLongUnsigned(1),
        });
}
