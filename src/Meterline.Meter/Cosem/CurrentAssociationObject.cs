using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// The "current association" 0.0.40.0.0.255 (Blue Book 4.4.3): an Association LN whose attributes and methods are
/// those of the association the request arrives in. Every call for attribute 2 and up, and every method, goes to
/// the object <c>resolve</c> returns for <see cref="AssociationContext.AssociationLogicalName"/>; ObjectUndefined
/// when there is none. Attribute 1 is 0.0.40.0.0.255.
/// </summary>
public sealed class CurrentAssociationObject : CosemObject
{
    private readonly Func<ObisCode, AssociationLnObject?> _resolve;

    public CurrentAssociationObject(Func<ObisCode, AssociationLnObject?> resolve)
        : base(ObisCode.CurrentAssociation)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        _resolve = resolve;
    }

    public override ushort ClassId => 15;

    public override byte Version => 1;

    public override int AttributeCount => 9;

    public override int MethodCount => 4;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        _resolve(association.AssociationLogicalName) is { } target
            ? target.Get(association, attributeId, selection)
            : new GetDataResult(DataAccessResult.ObjectUndefined);

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value) =>
        _resolve(association.AssociationLogicalName) is { } target
            ? target.Set(association, attributeId, null, value)
            : DataAccessResult.ObjectUndefined;

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        _resolve(association.AssociationLogicalName) is { } target
            ? target.Invoke(association, methodId, parameters)
            : (ActionResult.ObjectUndefined, null);
}
