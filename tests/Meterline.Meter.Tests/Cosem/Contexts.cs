using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Tests.Cosem;

/// <summary>Association contexts for calling objects directly.</summary>
internal static class Contexts
{
    public static ObisCode PublicLn { get; } = new(0, 0, 40, 0, 1, 255);

    public static ObisCode UtilityLn { get; } = new(0, 0, 40, 0, 3, 255);

    public static AssociationContext Public { get; } =
        new(PublicLn, 16, AuthenticationMechanism.Lowest, false, null, default);

    public static AssociationContext Utility { get; } =
        new(UtilityLn, 48, AuthenticationMechanism.HighGmac, true, null, new MessageProtection(true, true, false));

    public static CosemData OctetString(params byte[] bytes) => new CosemData.OctetString(bytes);
}
