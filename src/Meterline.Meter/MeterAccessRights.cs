using Meterline.Dlms.Associations;
using Meterline.Dlms.Profiles;

namespace Meterline.Meter;

/// <summary>
/// The access rights an association has to an object, from the profile, with the protection each request must carry:
/// in a ciphered association every request must be authenticated and encrypted (so a downgraded request is refused
/// even inside the association), and when the meter enforces signed commands (it holds the head-end's public key) the
/// writes and invocations the profile lists under <c>signedWrite</c> and <c>signedMethods</c> must also be digitally
/// signed by the head-end.
/// </summary>
internal static class MeterAccessRights
{
    public static AttributeAccess Attribute(ProfileObject profileObject, ProfileAssociation association, sbyte attributeId, bool signaturesEnforced)
    {
        var access = AttributeAccess.None;
        if (profileObject.CanRead(association.Id))
        {
            access |= AttributeAccess.Read;
        }

        if (profileObject.CanWrite(association.Id, attributeId))
        {
            access |= AttributeAccess.Write;
        }

        if (access == AttributeAccess.None || !association.Ciphered)
        {
            return access;
        }

        access |= AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest;
        if ((access & AttributeAccess.Write) != 0 && signaturesEnforced && profileObject.RequiresSignedWrite(association.Id, attributeId))
        {
            access |= AttributeAccess.SignedRequest;
        }

        return access;
    }

    public static MethodAccess Method(ProfileObject profileObject, ProfileAssociation association, sbyte methodId, bool signaturesEnforced)
    {
        if (!profileObject.CanInvoke(association.Id, methodId))
        {
            return MethodAccess.None;
        }

        var access = MethodAccess.Access;
        if (!association.Ciphered)
        {
            return access;
        }

        access |= MethodAccess.AuthenticatedRequest | MethodAccess.EncryptedRequest;
        if (signaturesEnforced && profileObject.RequiresSignedInvoke(association.Id, methodId))
        {
            access |= MethodAccess.SignedRequest;
        }

        return access;
    }
}
