namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// A consumer's prepaid account (a consumer is a meter's <c>ConsumerId</c>; all its meters draw on the account). The
/// balance is kept with the ledger in one transaction: it is always the sum of the entries' amounts.
/// </summary>
/// <param name="ConsumerId">The consumer.</param>
/// <param name="Currency">ISO 4217 code of the amounts (the consumer's tariff's currency).</param>
/// <param name="Balance">The sum of every ledger entry.</param>
/// <param name="Entries">The number of ledger entries (the last entry's sequence number).</param>
/// <param name="LowBalance">True once the low-balance warning was raised for the current crossing; cleared when the balance rises above the threshold.</param>
/// <param name="Supply">Connected, disconnect pending, or disconnected.</param>
/// <param name="DisconnectDueAt">When <see cref="PrepaidSupply.DisconnectPending"/>: the next allowed moment for the disconnect.</param>
/// <param name="Episode">How many prepaid disconnects were requested (the idempotency keys of the commands name it).</param>
/// <param name="LastDeductionAmount">The amount of the newest deduction (negative: money taken), if any.</param>
/// <param name="LastDeductionAt">When the newest deduction was made.</param>
/// <param name="CreatedAt">When the account was opened.</param>
/// <param name="CreatedBy">Who opened it.</param>
public sealed record PrepaidAccount(
    string ConsumerId,
    string Currency,
    decimal Balance,
    long Entries,
    bool LowBalance,
    PrepaidSupply Supply,
    DateTimeOffset? DisconnectDueAt,
    long Episode,
    decimal? LastDeductionAmount,
    DateTimeOffset? LastDeductionAt,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    /// <summary>A consumer id is at most this long (as a meter's).</summary>
    public const int MaxConsumerLength = 64;
}
