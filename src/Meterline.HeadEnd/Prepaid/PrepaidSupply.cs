namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Where a prepaid consumer's supply is, as the head-end decided it: connected; a disconnect due (the credit ran out
/// outside the allowed hours, so it waits for the next allowed moment); disconnected (the disconnect commands were
/// requested; a top-up above the reconnect threshold requests the connect commands).
/// </summary>
public enum PrepaidSupply
{
    Connected = 0,
    DisconnectPending = 1,
    Disconnected = 2,
}
