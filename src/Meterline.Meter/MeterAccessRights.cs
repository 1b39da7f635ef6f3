using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;

namespace Meterline.Meter;

/// <summary>
/// The access rights an association has to an object, from the profile, with the protection each request must carry:
/// in a ciphered association every request must be authenticated and encrypted (so a downgraded request is refused
/// even inside the association), and the methods that move the relay or change keys must also be digitally signed
/// when the association's security policy asks for signed requests.
/// </summary>
internal static class MeterAccessRights
{
    private static readonly ObisCode DisconnectControl = new(0, 0, 96, 3, 10, 255);

    public static AttributeAccess Attribute(ProfileObject profileObject, ProfileAssociation association, sbyte attributeId, SecurityPolicy policy)
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
        if ((access & AttributeAccess.Write) != 0 && policy.HasFlag(SecurityPolicy.DigitallySignedRequest))
        {
            access |= AttributeAccess.SignedRequest;
        }

        return access;
    }

    public static MethodAccess Method(ProfileObject profileObject, ProfileAssociation association, sbyte methodId, SecurityPolicy policy)
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
        var critical = profileObject.LogicalName == DisconnectControl || profileObject.ClassId == 64;
        if (critical && policy.HasFlag(SecurityPolicy.DigitallySignedRequest))
        {
            access |= MethodAccess.SignedRequest;
        }

        return access;
    }
}
