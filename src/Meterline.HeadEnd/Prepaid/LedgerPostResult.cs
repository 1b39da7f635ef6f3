namespace Meterline.HeadEnd.Prepaid;

/// <summary>The outcome of a posting, the entry (new, or the earlier one with the same key) and the account after it.</summary>
public sealed record LedgerPostResult(LedgerPostOutcome Outcome, LedgerEntry? Entry, PrepaidAccount? Account);
