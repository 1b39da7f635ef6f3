using Meterline.Dlms.Associations;
using Meterline.Dlms.Profiles;

namespace Meterline.Meter;

/// <summary>
/// The access rights an association has to an object, from the profile, with the protection each request must carry:
/// in a ciphered association every request must be authenticated and encrypted (so a downgraded request is refused
/// even inside the association), and when the meter enforces signed commands (it holds the head-end's public key) the
/// invocations the profile lists under <c>signedMethods</c> must also be digitally signed by the head-end (the writes
/// under <c>signedWrite</c> are checked when they are made, see <see cref="Attribute"/>).
/// </summary>
internal static class MeterAccessRights
{
    /// <summary>
    /// The attribute's right. The version-3 protection bits of an attribute apply to reading and writing alike, so a
    /// signed write (<c>signedWrite</c>) is not expressed here — it would make reads need a signature too — but checked
    /// by <see cref="MeterCosemServer.Set"/>.
    /// </summary>
    public static AttributeAccess Attribute(ProfileObject profileObject, ProfileAssociation association, sbyte attributeId)
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

        return access | AttributeAccess.AuthenticatedRequest | AttributeAccess.EncryptedRequest;
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
