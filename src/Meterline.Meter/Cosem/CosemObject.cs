using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// One COSEM object of the meter: an instance of an interface class (Blue Book) identified by its logical name.
/// Attribute 1 (logical_name) is answered here; subclasses serve attributes 2 and up and their methods. Access rights
/// are checked before any call reaches an object (the profile decides them), so an object only refuses what its class
/// itself refuses: a value of the wrong type, an attribute that cannot be written, a method the state forbids.
/// Objects are not thread-safe: the meter serialises every call.
/// </summary>
public abstract class CosemObject
{
    /// <summary>Attribute 1 of every interface class.</summary>
    public const sbyte LogicalNameAttribute = 1;

    protected CosemObject(ObisCode logicalName)
    {
        LogicalName = logicalName;
    }

    public ObisCode LogicalName { get; }

    /// <summary>The interface class (class_id).</summary>
    public abstract ushort ClassId { get; }

    /// <summary>The version of the interface class implemented.</summary>
    public abstract byte Version { get; }

    /// <summary>The number of attributes of the class (logical_name included): attributes 1 to this are defined.</summary>
    public abstract int AttributeCount { get; }

    /// <summary>The number of methods of the class: methods 1 to this are defined.</summary>
    public virtual int MethodCount => 0;

    /// <summary>Reads an attribute.</summary>
    public GetDataResult Get(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection)
    {
        ArgumentNullException.ThrowIfNull(association);
        if (attributeId < 1 || attributeId > AttributeCount)
        {
            return new GetDataResult(DataAccessResult.ObjectUndefined);
        }

        if (selection is not null && !AcceptsSelectiveAccess(attributeId, selection.AccessSelector))
        {
            return new GetDataResult(DataAccessResult.ObjectUnavailable);
        }

        return attributeId == LogicalNameAttribute
            ? new GetDataResult(new CosemData.OctetString(LogicalName.ToArray()))
            : GetAttribute(association, attributeId, selection);
    }

    /// <summary>Writes an attribute.</summary>
    public DataAccessResult Set(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection, CosemData value)
    {
        ArgumentNullException.ThrowIfNull(association);
        ArgumentNullException.ThrowIfNull(value);
        if (attributeId < 1 || attributeId > AttributeCount)
        {
            return DataAccessResult.ObjectUndefined;
        }

        if (attributeId == LogicalNameAttribute)
        {
            return DataAccessResult.ReadWriteDenied;
        }

        if (selection is not null && !AcceptsSelectiveAccess(attributeId, selection.AccessSelector))
        {
            return DataAccessResult.ObjectUnavailable;
        }

        return SetAttribute(association, attributeId, value);
    }

    /// <summary>Invokes a method.</summary>
    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        ArgumentNullException.ThrowIfNull(association);
        if (methodId < 1 || methodId > MethodCount)
        {
            return (ActionResult.ObjectUndefined, null);
        }

        return InvokeMethod(association, methodId, parameters);
    }

    /// <summary>True when the attribute supports the access selector (Blue Book: profile generic buffer, for instance).</summary>
    protected virtual bool AcceptsSelectiveAccess(sbyte attributeId, byte accessSelector) => false;

    /// <summary>Reads attribute 2 or higher (at most <see cref="AttributeCount"/>).</summary>
    protected abstract GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection);

    /// <summary>Writes attribute 2 or higher; by default no attribute can be written.</summary>
    protected virtual DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value) =>
        DataAccessResult.ReadWriteDenied;

    /// <summary>Invokes method 1 or higher (at most <see cref="MethodCount"/>).</summary>
    protected virtual (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        (ActionResult.ReadWriteDenied, null);

    public override string ToString() => $"{GetType().Name} {LogicalName} (class {ClassId} v{Version})";
}
