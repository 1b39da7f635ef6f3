namespace Meterline.HeadEnd.Prepaid;

/// <summary>The outcome of a top-up, the ledger entry (new or the earlier one) and the account after it; <see cref="Detail"/> says why when refused.</summary>
public sealed record TopUpResult(TopUpOutcome Outcome, LedgerEntry? Entry, PrepaidAccount? Account, string? Detail);
