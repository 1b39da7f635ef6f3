namespace Meterline.HeadEnd.Prepaid;

/// <summary>The outcome of a decision, the request as it stands after it, and the ledger entry when applied; <see cref="Detail"/> says why when refused.</summary>
public sealed record AdjustmentDecisionResult(AdjustmentDecisionOutcome Outcome, AdjustmentRequest? Request, LedgerEntry? Entry, string? Detail);
