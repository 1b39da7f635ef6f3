using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Associations;

/// <summary>
/// The object model a server association serves: a logical device's COSEM objects (the meter, or a test double).
/// The association asks for access rights first and never calls <see cref="Get"/>, <see cref="Set"/> or
/// <see cref="Invoke"/> for a request the rights refuse; refusals are answered as DataAccessResult/ActionResult.
/// Implementations return values for refusals of their own (object undefined, temporary failure) and throw only on
/// bugs. Calls arrive one at a time per association.
/// </summary>
public interface ICosemServer
{
    /// <summary>The access right of an attribute in this association; <see cref="AttributeAccess.None"/> if the object is not in its object list.</summary>
    AttributeAccess GetAttributeAccess(AssociationContext association, CosemAttributeDescriptor attribute);

    /// <summary>The access right of a method in this association.</summary>
    MethodAccess GetMethodAccess(AssociationContext association, CosemMethodDescriptor method);

    /// <summary>Reads an attribute (with selective access when given).</summary>
    GetDataResult Get(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection);

    /// <summary>Writes an attribute.</summary>
    DataAccessResult Set(AssociationContext association, CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, CosemData value);

    /// <summary>Invokes a method; <c>ReturnData</c> is null when the method returns nothing.</summary>
    (ActionResult Result, CosemData? ReturnData) Invoke(AssociationContext association, CosemMethodDescriptor method, CosemData? parameters);
}
