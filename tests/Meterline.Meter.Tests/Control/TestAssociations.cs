using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Meter.Tests.Control;

/// <summary>Association contexts as the meter hands them to objects.</summary>
internal static class TestAssociations
{
    public static SystemTitle ClientTitle { get; } = SystemTitle.Parse("4D4D4D0000000001");

    public static AssociationContext Utility { get; } = new(
        new ObisCode(0, 0, 40, 0, 3, 255),
        48,
        AuthenticationMechanism.HighGmac,
        true,
        ClientTitle,
        new MessageProtection(true, true, false));

    public static AssociationContext Reader { get; } = new(
        new ObisCode(0, 0, 40, 0, 2, 255),
        32,
        AuthenticationMechanism.Low,
        true,
        null,
        MessageProtection.None);
}
