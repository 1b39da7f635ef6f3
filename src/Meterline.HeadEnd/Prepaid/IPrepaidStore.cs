using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Prepaid accounts and their append-only ledgers. Each posting appends an entry and moves the account's balance in
/// one transaction, so the balance never drifts from the ledger.
/// </summary>
public interface IPrepaidStore
{
    /// <summary>Opens an account with a zero balance; false (nothing changed) when the consumer has one.</summary>
    Task<bool> CreateAsync(string consumerId, string currency, DateTimeOffset at, string actor, CancellationToken cancellationToken = default);

    Task<PrepaidAccount?> GetAsync(string consumerId, CancellationToken cancellationToken = default);

    /// <summary>Accounts in consumer order after <paramref name="afterConsumer"/>, at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<PrepaidAccount>> ListAsync(string? afterConsumer, int limit, CancellationToken cancellationToken = default);

    /// <summary>Appends an entry and moves the balance, in one transaction (see <see cref="LedgerPosting"/>).</summary>
    Task<LedgerPostResult> PostAsync(string consumerId, LedgerPosting posting, CancellationToken cancellationToken = default);

    /// <summary>The entry a top-up with this key made, if any.</summary>
    Task<LedgerEntry?> FindByKeyAsync(string consumerId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>What the month's deductions add up to (0 when none).</summary>
    Task<decimal> GetMonthChargedAsync(string consumerId, BillingMonth month, CancellationToken cancellationToken = default);

    /// <summary>Stores the warning and supply state; false when there is no such account.</summary>
    Task<bool> SetSupplyAsync(string consumerId, SupplyChange change, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first, those with a sequence below <paramref name="beforeSequence"/> when given, at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<LedgerEntry>> ListLedgerAsync(string consumerId, long? beforeSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores an adjustment request in state Pending; null (nothing stored) when the consumer has a request with its key.</summary>
    Task<AdjustmentRequest?> CreateAdjustmentRequestAsync(AdjustmentRequestDraft draft, CancellationToken cancellationToken = default);

    Task<AdjustmentRequest?> GetAdjustmentRequestAsync(AdjustmentRequestId id, CancellationToken cancellationToken = default);

    /// <summary>The consumer's request with this idempotency key, if any.</summary>
    Task<AdjustmentRequest?> FindAdjustmentRequestAsync(string consumerId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a request from Pending to <paramref name="next"/>, setting who decided, when and the ledger entry's
    /// sequence. False (and no change) when it was no longer Pending, so two admins never both decide one.
    /// </summary>
    Task<bool> DecideAdjustmentRequestAsync(AdjustmentRequestId id, AdjustmentRequestState next, string decidedBy, DateTimeOffset at, long? ledgerSequence, CancellationToken cancellationToken = default);

    /// <summary>Requests newest first, in one state and of one consumer when given; at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<AdjustmentRequest>> ListAdjustmentRequestsAsync(AdjustmentRequestState? state, string? consumerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Pending requests whose expiry is at or before <paramref name="now"/>, oldest first; at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<AdjustmentRequest>> ListOverdueAdjustmentRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}
