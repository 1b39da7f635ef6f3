namespace Meterline.HeadEnd.Prepaid;

/// <summary>An adjustment of a prepaid balance above the approval threshold: who asked, and what became of it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ConsumerId">The account.</param>
/// <param name="Amount">The credit (positive) or debit (negative), in the account's currency.</param>
/// <param name="Reason">The requester's reason (the ledger entry's reference once applied).</param>
/// <param name="IdempotencyKey">The key the ledger entry is posted under once applied (unique per consumer among requests).</param>
/// <param name="RequestedBy">The admin who asked.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="ExpiresAt">When it expires if nobody decides.</param>
/// <param name="State">Where it stands.</param>
/// <param name="DecidedBy">The second admin who approved or rejected it ("expiry" when it expired).</param>
/// <param name="DecidedAt">When.</param>
/// <param name="LedgerSequence">The ledger entry's sequence once applied.</param>
public sealed record AdjustmentRequest(
    AdjustmentRequestId Id,
    string ConsumerId,
    decimal Amount,
    string Reason,
    string IdempotencyKey,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    AdjustmentRequestState State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    long? LedgerSequence)
{
    /// <summary>The actor recorded when a request expires undecided.</summary>
    public const string ExpiryActor = "expiry";
}
