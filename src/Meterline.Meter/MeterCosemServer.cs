using System.Collections.Frozen;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.Cosem;

namespace Meterline.Meter;

/// <summary>
/// The meter's object model as the DLMS server associations see it: access rights from the profile (per
/// association, with the protection ciphered associations demand), and every call brought up to date with the
/// meter's measurements first and serialised with everything else the meter does. Writes the profile lists as signed
/// are refused unsigned here, once the meter enforces signed commands.
/// </summary>
internal sealed class MeterCosemServer : ICosemServer
{
    private readonly SmartMeter _meter;
    private readonly MeterProfile _profile;
    private readonly FrozenDictionary<ObisCode, CosemObject> _objects;
    private readonly FrozenDictionary<ObisCode, ProfileAssociation> _associations;

    public MeterCosemServer(SmartMeter meter, MeterProfile profile, FrozenDictionary<ObisCode, CosemObject> objects)
    {
        _meter = meter;
        _profile = profile;
        _objects = objects;
        _associations = profile.Associations.ToFrozenDictionary(a => a.LogicalName);
    }

    public AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute)
    {
        if (!TryResolve(association, attribute.ClassId, attribute.InstanceId, out var profileObject, out var profileAssociation))
        {
            return AttributeAccess.None;
        }

        return MeterAccessRights.Attribute(profileObject, profileAssociation, attribute.AttributeId);
    }

    public MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method)
    {
        if (!TryResolve(association, method.ClassId, method.InstanceId, out var profileObject, out var profileAssociation))
        {
            return MethodAccess.None;
        }

        return MeterAccessRights.Method(profileObject, profileAssociation, method.MethodId, _meter.SignaturesEnforced);
    }

    public GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection)
    {
        lock (_meter.Sync)
        {
            _meter.AdvanceLocked();
            return _objects[attribute.InstanceId].Get(association, attribute.AttributeId, selection);
        }
    }

    public DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value)
    {
        if (!association.RequestProtection.Signed && _meter.SignaturesEnforced && RequiresSignedWrite(association, attribute))
        {
            // A write the profile lists under signedWrite, unsigned: refused like a missing access right, and logged.
            _meter.RefuseUnsigned();
            return DataAccessResult.ReadWriteDenied;
        }

        lock (_meter.Sync)
        {
            _meter.AdvanceLocked();
            return _objects[attribute.InstanceId].Set(association, attribute.AttributeId, selection, value);
        }
    }

    public (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters)
    {
        lock (_meter.Sync)
        {
            _meter.AdvanceLocked();
            return _objects[method.InstanceId].Invoke(association, method.MethodId, parameters);
        }
    }

    private bool RequiresSignedWrite(AssociationContext association, CosemAttributeDescriptor attribute) =>
        TryResolve(association, attribute.ClassId, attribute.InstanceId, out var profileObject, out var profileAssociation)
        && profileObject.RequiresSignedWrite(profileAssociation.Id, attribute.AttributeId);

    /// <summary>Finds the object (whose class must match the request's) and the association asking.</summary>
    private bool TryResolve(AssociationContext association, ushort classId, ObisCode instance, out ProfileObject profileObject, out ProfileAssociation profileAssociation)
    {
        profileObject = null!;
        if (!_associations.TryGetValue(association.AssociationLogicalName, out profileAssociation!) ||
            _profile.Find(instance) is not { } found || found.ClassId != classId || !_objects.ContainsKey(instance))
        {
            return false;
        }

        profileObject = found;
        return true;
    }
}
