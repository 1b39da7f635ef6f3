namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// What an account's balance calls for now: raise the low-balance warning (a new crossing), clear it (the balance rose
/// above the threshold), and what to do about the supply (with the moment a postponed disconnect is due).
/// </summary>
public sealed record PrepaidDecision(bool RaiseLowBalance, bool ClearLowBalance, SupplyAction Supply, DateTimeOffset? DueAt)
{
    public bool IsNothing => !RaiseLowBalance && !ClearLowBalance && Supply == SupplyAction.None;
}
