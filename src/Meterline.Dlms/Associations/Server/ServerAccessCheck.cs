using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// Decides whether a request may reach an attribute or method. The version-3 access rights (Blue Book, Association
/// LN object_list) put the protection a request and its response need in bits 2-7, the same bits as the
/// security_policy of Security setup version 1 (Blue Book 4.4.7), so the two combine into one requirement: the
/// request must carry every kind either names, and the association must be able to give the response every kind
/// either names. Refusals are values: object-undefined for an object outside the association's object list,
/// read-write-denied for a missing right or too weak a protection. A permitted access refused only for want of a
/// signature is also reported (<see cref="ServerRequest.SignatureRefused"/>).
/// </summary>
internal static class ServerAccessCheck
{
    private const byte ProtectionBits = 0xFC;

    /// <summary>Checks a GET (<see cref="AttributeAccess.Read"/>) or SET (<see cref="AttributeAccess.Write"/>) of one attribute.</summary>
    public static bool TryGrant(
        ServerRequest request,
        ICosemServer server,
        CosemAttributeDescriptor attribute,
        AttributeAccess needed,
        out DataAccessResult refusal,
        out ServerGrant grant)
    {
        var access = server.GetAttributeAccess(request.Association, attribute);
        refusal = access == AttributeAccess.None ? DataAccessResult.ObjectUndefined : DataAccessResult.ReadWriteDenied;
        return TryGrant(request, access != AttributeAccess.None && access.HasFlag(needed), (byte)access, out grant);
    }

    /// <summary>Checks an ACTION on one method.</summary>
    public static bool TryGrant(
        ServerRequest request,
        ICosemServer server,
        CosemMethodDescriptor method,
        out ActionResult refusal,
        out ServerGrant grant)
    {
        var access = server.GetMethodAccess(request.Association, method);
        refusal = access == MethodAccess.None ? ActionResult.ObjectUndefined : ActionResult.ReadWriteDenied;
        return TryGrant(request, access.HasFlag(MethodAccess.Access), (byte)access, out grant);
    }

    /// <summary>Every kind of protection either side has.</summary>
    public static MessageProtection Union(MessageProtection left, MessageProtection right) =>
        new(left.Authenticated || right.Authenticated, left.Encrypted || right.Encrypted, left.Signed || right.Signed);

    private static bool TryGrant(ServerRequest request, bool permitted, byte accessRight, out ServerGrant grant)
    {
        var requirement = (SecurityPolicy)(accessRight & ProtectionBits) | request.Policy;
        grant = new ServerGrant(
            SecurityPolicyCheck.Required(requirement, MessageDirection.Request),
            SecurityPolicyCheck.Required(requirement, MessageDirection.Response));
        if (permitted && grant.Request.Signed && !request.Protection.Signed)
        {
            request.SignatureRefused?.Invoke(SignatureRefusal.Missing);
            return false;
        }

        return permitted && request.Protection.Includes(grant.Request) && request.ResponseCapability.Includes(grant.Response);
    }
}
