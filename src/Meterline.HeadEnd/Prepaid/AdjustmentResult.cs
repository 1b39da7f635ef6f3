namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// The outcome of an adjustment, the ledger entry (new or the earlier one) and the account after it; <see cref="Detail"/>
/// says why when refused; <see cref="Request"/> is the request that waits for a second admin (<see cref="AdjustmentOutcome.AwaitingApproval"/>).
/// </summary>
public sealed record AdjustmentResult(AdjustmentOutcome Outcome, LedgerEntry? Entry, PrepaidAccount? Account, string? Detail, AdjustmentRequest? Request = null);
