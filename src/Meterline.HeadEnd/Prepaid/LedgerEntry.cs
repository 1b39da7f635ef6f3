namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// One entry of a prepaid ledger, never changed once written.
/// </summary>
/// <param name="ConsumerId">The account.</param>
/// <param name="Sequence">1, 2, 3… within the account.</param>
/// <param name="Kind">Top-up, deduction or adjustment.</param>
/// <param name="Amount">Money in (positive) or out (negative), in the account's currency, two decimal places.</param>
/// <param name="BalanceAfter">The balance after this entry.</param>
/// <param name="At">When it was made.</param>
/// <param name="Actor">Who made it: an operator, a payment system, or <c>prepaid</c> for deductions.</param>
/// <param name="Reference">What it refers to: a payment reference, or <c>consumption yyyy-MM</c> for a deduction.</param>
/// <param name="Month">For a deduction: the billing month it prices.</param>
/// <param name="MonthCharged">For a deduction: the month's running charge after it (so the month's deductions add up to it).</param>
/// <param name="IdempotencyKey">For a top-up: the client's key; a retried top-up with it is applied once.</param>
public sealed record LedgerEntry(
    string ConsumerId,
    long Sequence,
    LedgerEntryKind Kind,
    decimal Amount,
    decimal BalanceAfter,
    DateTimeOffset At,
    string Actor,
    string Reference,
    string? Month,
    decimal? MonthCharged,
    string? IdempotencyKey);
