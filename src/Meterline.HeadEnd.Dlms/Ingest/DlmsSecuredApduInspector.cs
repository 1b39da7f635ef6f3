using Meterline.Dlms;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// Reads the clear header of a general-glo-ciphering APDU (Green Book 9.2.7.2.4.6: tag 0xDB, system title, then
/// SC ‖ IC ‖ …) without copying or decrypting. A service-specific glo- APDU carries no system title, so its sender
/// cannot be told from the bytes: it is refused as unprotected, like a plain APDU. Dedicated-key ciphering (ded- or
/// general-ded-ciphering) belongs to an association, never to a push: refused as malformed.
/// </summary>
public sealed class DlmsSecuredApduInspector : ISecuredApduInspector
{
    public HeaderInspection Inspect(ReadOnlySpan<byte> apdu, out SecuredApduHeader header)
    {
        header = default;
        SecuredApduView view;
        try
        {
            if (!SecuredApduView.TryRead(apdu, out view))
            {
                return HeaderInspection.Unprotected;
            }
        }
        catch (DlmsFormatException)
        {
            return HeaderInspection.Malformed;
        }

        if (view.IsDedicated)
        {
            return HeaderInspection.Malformed;
        }

        if (view.SystemTitle is not { } sender)
        {
            return HeaderInspection.Unprotected;
        }

        var control = view.Header.SecurityControl;
        header = new SecuredApduHeader(new MeterSystemTitle(sender.Value), view.Header.InvocationCounter, control.IsAuthenticated, control.IsEncrypted);
        return HeaderInspection.Read;
    }
}
