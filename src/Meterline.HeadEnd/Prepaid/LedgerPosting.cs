namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// An entry to append to a ledger. A posting with <see cref="IdempotencyKey"/> is applied once per account; a
/// deduction carries its month, the month's new running charge and the running charge it was computed against
/// (<see cref="ExpectedMonthCharged"/>): if another writer changed the month since, the posting is refused, not
/// applied twice.
/// </summary>
public sealed record LedgerPosting(
    LedgerEntryKind Kind,
    decimal Amount,
    DateTimeOffset At,
    string Actor,
    string Reference,
    string? IdempotencyKey = null,
    string? Month = null,
    decimal? MonthCharged = null,
    decimal? ExpectedMonthCharged = null);
