using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>Translates DLMS failures and refusals into <see cref="MeterCommunicationException"/>, in one place.</summary>
internal static class DlmsFailures
{
    public static MeterCommunicationException From(DlmsException e) =>
        new(e.Message, refused: false, isTransient: e.IsTransient, e);

    public static MeterCommunicationException Refused(string what, DataAccessResult result) =>
        new($"{what}: the meter answered {result}", refused: true, isTransient: false);

    public static MeterCommunicationException Refused(string what, ActionResult result) =>
        new($"{what}: the meter answered {result}", refused: true, isTransient: false);

    public static MeterCommunicationException Malformed(string what) =>
        new($"{what}: the meter's answer does not have the expected shape", refused: false, isTransient: false);

    /// <summary>Runs a DLMS exchange, translating DLMS exceptions.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> exchange)
    {
        try
        {
            return await exchange().ConfigureAwait(false);
        }
        catch (DlmsException e)
        {
            throw From(e);
        }
        catch (InvalidOperationException e)
        {
            // The association refused to send (not associated any more, request too large).
            throw new MeterCommunicationException(e.Message, refused: false, isTransient: false, e);
        }
    }
}
