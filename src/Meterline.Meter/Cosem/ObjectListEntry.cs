using System.Collections.Immutable;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// One element of Association LN attribute 2 object_list (Blue Book 4.4.3): an object visible in the association,
/// with the access rights of each listed attribute and method in that association.
/// </summary>
public sealed record ObjectListEntry(
    ushort ClassId,
    byte Version,
    ObisCode LogicalName,
    IReadOnlyList<(sbyte Attribute, AttributeAccess Access)> Attributes,
    IReadOnlyList<(sbyte Method, MethodAccess Access)> Methods)
{
    /// <summary>The request protections that make an access "authenticated": a GMAC tag or a signature.</summary>
    private const AttributeAccess AuthenticatingAttributeAccess = AttributeAccess.AuthenticatedRequest | AttributeAccess.SignedRequest;
    private const MethodAccess AuthenticatingMethodAccess = MethodAccess.AuthenticatedRequest | MethodAccess.SignedRequest;

    public IReadOnlyList<(sbyte Attribute, AttributeAccess Access)> Attributes { get; init; } =
        Attributes ?? throw new ArgumentNullException(nameof(Attributes));

    public IReadOnlyList<(sbyte Method, MethodAccess Access)> Methods { get; init; } =
        Methods ?? throw new ArgumentNullException(nameof(Methods));

    /// <summary>The version 1 access_mode of an attribute right: "authenticated_*" when the request must carry a
    /// GMAC tag or a signature.</summary>
    public static AttributeAccessMode ToAccessMode(AttributeAccess access)
    {
        var read = (access & AttributeAccess.Read) != 0;
        var write = (access & AttributeAccess.Write) != 0;
        var authenticated = (access & AuthenticatingAttributeAccess) != 0;
        return (read, write) switch
        {
            (false, false) => AttributeAccessMode.NoAccess,
            (true, false) => authenticated ? AttributeAccessMode.AuthenticatedReadOnly : AttributeAccessMode.ReadOnly,
            (false, true) => authenticated ? AttributeAccessMode.AuthenticatedWriteOnly : AttributeAccessMode.WriteOnly,
            _ => authenticated ? AttributeAccessMode.AuthenticatedReadAndWrite : AttributeAccessMode.ReadAndWrite,
        };
    }

    /// <summary>The version 1 access_mode of a method right.</summary>
    public static MethodAccessMode ToAccessMode(MethodAccess access) =>
        (access & MethodAccess.Access) == 0 ? MethodAccessMode.NoAccess
        : (access & AuthenticatingMethodAccess) != 0 ? MethodAccessMode.AuthenticatedAccess
        : MethodAccessMode.Access;

    /// <summary>
    /// <c>object_list_element ::= structure { class_id long-unsigned, version unsigned, logical_name octet-string,
    /// access_rights structure { attribute_access array of structure { attribute_id integer, access_mode enum,
    /// access_selectors null-data | array of integer }, method_access array of structure { method_id integer,
    /// access_mode enum } } }</c>. access_selectors lists 1 and 2 for the Profile generic buffer, null-data elsewhere.
    /// </summary>
    public CosemData ToData()
    {
        var attributes = Attributes.Select(a => (CosemData)new CosemData.Structure(
            new CosemData.Integer(a.Attribute),
            new CosemData.Enum((byte)ToAccessMode(a.Access)),
            AccessSelectors(a.Attribute)));
        var methods = Methods.Select(m => (CosemData)new CosemData.Structure(
            new CosemData.Integer(m.Method),
            new CosemData.Enum((byte)ToAccessMode(m.Access))));
        return new CosemData.Structure(
            new CosemData.LongUnsigned(ClassId),
            new CosemData.Unsigned(Version),
            new CosemData.OctetString(LogicalName.ToArray()),
            new CosemData.Structure(
                new CosemData.Array(attributes.ToImmutableArray()),
                new CosemData.Array(methods.ToImmutableArray())));
    }

    private CosemData AccessSelectors(sbyte attribute) =>
        ClassId == 7 && attribute == ProfileGenericObject.BufferAttribute
            ? new CosemData.Array(ProfileGenericObject.BufferAccessSelectors.Select(s => (CosemData)new CosemData.Integer(s)).ToImmutableArray())
            : CosemData.NullData.Instance;
}
