using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Prepaid;

/// <summary>A prepaid account as the API shows it: balance, supply state, the low-balance flag, the last deduction and a pending disconnect.</summary>
public sealed record PrepaidAccountResponse(
    string Consumer,
    string Currency,
    decimal Balance,
    PrepaidSupply State,
    bool LowBalance,
    decimal LowBalanceThreshold,
    decimal DisconnectThreshold,
    decimal ReconnectThreshold,
    PendingDisconnectResponse? PendingDisconnect,
    LastDeductionResponse? LastDeduction,
    long Entries,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public static PrepaidAccountResponse From(PrepaidAccount account, PrepaidOptions options)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        return new(
            account.ConsumerId, account.Currency, account.Balance, account.Supply, account.LowBalance,
            options.LowBalanceThreshold, options.DisconnectThreshold, options.ReconnectThreshold,
            account.Supply == PrepaidSupply.DisconnectPending ? new PendingDisconnectResponse(account.DisconnectDueAt) : null,
            account.LastDeductionAmount is { } amount && account.LastDeductionAt is { } at ? new LastDeductionResponse(amount, at) : null,
            account.Entries, account.CreatedAt, account.CreatedBy);
    }
}
