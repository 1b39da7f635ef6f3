using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Prepaid;

/// <summary>One ledger entry as the API shows it.</summary>
public sealed record LedgerEntryResponse(
    long Sequence,
    LedgerEntryKind Kind,
    decimal Amount,
    decimal BalanceAfter,
    DateTimeOffset At,
    string Actor,
    string Reference,
    string? Month,
    decimal? MonthCharged,
    string? IdempotencyKey)
{
    public static LedgerEntryResponse From(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Sequence, entry.Kind, entry.Amount, entry.BalanceAfter, entry.At, entry.Actor, entry.Reference, entry.Month, entry.MonthCharged, entry.IdempotencyKey);
    }
}
