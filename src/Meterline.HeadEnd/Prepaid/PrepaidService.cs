using System.Globalization;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Runs prepaid accounts (docs/prepaid.md). A node loop takes committed records from the ingest feed (a bounded
/// subscription that drops its oldest records rather than slow ingest) and, after each round, settles the consumers
/// the round touched: each month with new data is priced to date with the consumer's tariff
/// (<see cref="TariffCalculator.PriceMonthToDate"/>, each meter as its bill prices it) and the difference from what
/// the month's deductions add up to is deducted. Every <see cref="PrepaidOptions.EvaluationPeriod"/>, at start, and
/// whenever the feed lost records, a full pass settles every account from the store, so a restart or a lost feed is
/// caught up from the store, never from memory. After a settlement or a top-up, <see cref="PrepaidPolicy"/> decides
/// the warning and the supply: the low-balance alert, a disconnect now or at the next allowed moment, its
/// cancellation, a reconnect. Commands carry idempotency keys naming the account's disconnect episode, so a state
/// change never issues two commands. Work on accounts is serialised within a node; a deduction names the running
/// charge it was computed against, so two nodes never deduct the same consumption twice. This class is the loop and the
/// account operations (open, top up, adjust) under that one lock; the work is done by <see cref="PrepaidSettler"/>
/// (deductions), <see cref="PrepaidPricer"/> (month-to-date prices), <see cref="PrepaidEvaluator"/> (warning, disconnect,
/// reconnect) and <see cref="PrepaidConsumerMeters"/> (the consumer's meters).
/// </summary>
public sealed class PrepaidService : IDisposable
{
    public const int AccountPage = 500;

    private readonly IngestFollower _follower;
    private readonly MeterDirectory _directory;
    private readonly IReadingStore _readings;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly PrepaidPricer _pricer;
    private readonly PrepaidEvaluator _evaluator;
    private readonly PrepaidSettler _settler;
    private readonly PrepaidConsumerMeters _consumerMeters;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<MeterId, (DateTimeOffset First, DateTimeOffset Last)> _pending = [];

    public PrepaidService(
        IngestPipeline pipeline,
        IPrepaidStore store,
        IMeterRepository meters,
        IReadingStore readings,
        TariffCatalog tariffs,
        AlertService alerts,
        CommandService commands,
        IAuditLog audit,
        PrepaidOptions? options = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(tariffs);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(audit);
        Options = options ?? new PrepaidOptions();
        Options.Validate();
        Store = store;
        _directory = pipeline.Directory;
        _readings = readings;
        _audit = audit;
        _time = time ?? TimeProvider.System;
        _pricer = new PrepaidPricer(readings, tariffs);
        _evaluator = new PrepaidEvaluator(store, alerts, commands, audit, Options, Metrics, _time, ZoneOf);
        _settler = new PrepaidSettler(store, _pricer, _evaluator, Metrics, _time);
        _consumerMeters = new PrepaidConsumerMeters(meters, Options, Metrics);

        // Subscribed at construction, so that nothing committed between the node's start and the loop's is missed.
        _follower = new IngestFollower(pipeline, Options.MaxRecordsPerRound, Options.EvaluationPeriod, fullPassAtStart: true, _time);
    }

    public IPrepaidStore Store { get; }

    public PrepaidOptions Options { get; }

    public PrepaidMetrics Metrics { get; } = new();

    /// <summary>What the follower did: rounds, rounds over meters whose records the feed lost, full passes.</summary>
    public IngestFollowerMetrics Follower => _follower.Metrics;

    /// <summary>
    /// Follows the feed (<see cref="IngestFollower"/>): a full pass at the start and every
    /// <see cref="PrepaidOptions.EvaluationPeriod"/>, else the consumers each round touched, the consumers of meters whose
    /// records the feed lost included (a full pass only when the feed could not name them or too many wait).
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _follower.RunAsync(Note, NoteLost, async ct =>
        {
            await SettlePendingAsync(ct).ConfigureAwait(false);
            Metrics.OnRound();
        }, async ct =>
        {
            _pending.Clear();
            await FullPassAsync(ct).ConfigureAwait(false);
            Metrics.OnRound();
        }, cancellationToken);

    /// <summary>Settles and evaluates every account: the month of now and the month of each of its meters' newest interval.</summary>
    public async Task FullPassAsync(CancellationToken cancellationToken = default)
    {
        Metrics.OnFullPass();
        IReadOnlyDictionary<MeterId, DateTimeOffset>? latest = null;
        string? after = null;
        while (true)
        {
            var accounts = await Store.ListAsync(after, AccountPage, cancellationToken).ConfigureAwait(false);
            if (accounts.Count > 0)
            {
                // Read only when there is an account to settle: a node without prepaid consumers does no work here.
                latest ??= await _readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, cancellationToken).ConfigureAwait(false);
            }

            foreach (var account in accounts)
            {
                await GuardedAsync(account.ConsumerId, meters =>
                {
                    var times = meters.Where(m => latest!.ContainsKey(m.Id)).Select(m => latest![m.Id]).Append(_time.GetUtcNow());
                    return times.ToList();
                }, cancellationToken).ConfigureAwait(false);
            }

            if (accounts.Count < AccountPage)
            {
                return;
            }

            after = accounts[^1].ConsumerId;
        }
    }

    /// <summary>Settles one consumer's months that hold <paramref name="times"/> (and now's) and evaluates its account; false when it has none.</summary>
    public async Task<bool> SettleAsync(string consumerId, IReadOnlyCollection<DateTimeOffset>? times = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var account = await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return false;
            }

            var meters = await _consumerMeters.OfAsync(consumerId, cancellationToken).ConfigureAwait(false);
            await _settler.SettleAsync(account, meters, [.. times ?? [], _time.GetUtcNow()], cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts a consumer on prepaid: an account in the currency of its tariff with a zero balance (audited).</summary>
    public async Task<(AccountOpenOutcome Outcome, PrepaidAccount? Account, string? Detail)> OpenAsync(string consumerId, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!IsValidConsumer(consumerId))
        {
            return (AccountOpenOutcome.Refused, null, $"A consumer id is 1 to {PrepaidAccount.MaxConsumerLength} printable characters.");
        }

        if (_pricer.TariffOf(consumerId) is not { } tariff)
        {
            return (AccountOpenOutcome.Refused, null, $"Consumer '{consumerId}' has no tariff and there is no default tariff, so its consumption cannot be priced.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return (AccountOpenOutcome.Exists, existing, null);
            }

            var now = _time.GetUtcNow();
            await _audit.AppendAsync(actor, PrepaidAuditActions.AccountOpened, PrepaidAuditActions.Subject(consumerId),
                new AuditDetail().Add("currency", tariff.Currency).Add("tariff", tariff.Id).ToString(), cancellationToken).ConfigureAwait(false);
            var created = await Store.CreateAsync(consumerId, tariff.Currency, now, actor, cancellationToken).ConfigureAwait(false);
            var account = await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false);
            return (created ? AccountOpenOutcome.Opened : AccountOpenOutcome.Exists, account, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Credits an account (audited as <c>prepaid.top-up</c>). A retry with the same idempotency key is applied once; the
    /// account is then evaluated at once, so a top-up cancels a pending disconnect or requests the reconnect.
    /// </summary>
    public async Task<TopUpResult> TopUpAsync(string consumerId, decimal amount, string idempotencyKey, string? reference, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (amount <= 0 || amount > Options.MaxTopUp || decimal.Round(amount, Tariff.Decimals) != amount)
        {
            return new TopUpResult(TopUpOutcome.Invalid, null, null, string.Create(CultureInfo.InvariantCulture, $"A top-up is more than 0 and at most {Options.MaxTopUp}, with at most {Tariff.Decimals} decimal places."));
        }

        if (!IsPrintable(idempotencyKey, 128) || (reference is not null && !IsPrintable(reference, 128)))
        {
            return new TopUpResult(TopUpOutcome.Invalid, null, null, "The idempotency key (and a reference, if given) is 1 to 128 printable characters.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var account = await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return new TopUpResult(TopUpOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
            }

            if (await Store.FindByKeyAsync(consumerId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                return Repeat(earlier, account, amount);
            }

            var now = _time.GetUtcNow();
            await _audit.AppendAsync(actor, PrepaidAuditActions.TopUp, PrepaidAuditActions.Subject(consumerId),
                new AuditDetail().Add("amount", amount.ToString(CultureInfo.InvariantCulture)).Add("currency", account.Currency)
                    .Add("idempotencyKey", idempotencyKey).Add("reference", reference ?? idempotencyKey).ToString(), cancellationToken).ConfigureAwait(false);
            var posted = await Store.PostAsync(consumerId, new LedgerPosting(LedgerEntryKind.TopUp, amount, now, actor, reference ?? idempotencyKey, idempotencyKey), cancellationToken).ConfigureAwait(false);
            if (posted.Outcome == LedgerPostOutcome.Duplicate)
            {
                return Repeat(posted.Entry!, posted.Account!, amount);
            }

            if (posted.Outcome != LedgerPostOutcome.Posted)
            {
                return new TopUpResult(TopUpOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
            }

            var meters = await _consumerMeters.OfAsync(consumerId, cancellationToken).ConfigureAwait(false);
            await _evaluator.EvaluateAsync(posted.Account!, meters, cancellationToken).ConfigureAwait(false);
            return new TopUpResult(TopUpOutcome.Applied, posted.Entry, await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Credits (a positive amount) or debits (negative) an account by hand, with a mandatory reason: audited as
    /// <c>prepaid.adjustment</c> and posted as an adjustment entry (not a payment) whose reference is the reason. A
    /// retry with the same idempotency key is applied once. The account is then evaluated at once: a debit that takes
    /// the balance to or below the disconnect threshold follows the zero-balance rules (warning, disconnect window), a
    /// credit cancels a pending disconnect or requests the reconnect as a top-up would. An amount whose absolute value
    /// is above <see cref="PrepaidOptions.AdjustmentApprovalThreshold"/> is not posted: it is stored as an
    /// <see cref="AdjustmentRequest"/> (audited <c>prepaid.adjustment-requested</c>) that a second admin approves with
    /// <see cref="ApproveAdjustmentAsync"/> (<see cref="AdjustmentOutcome.AwaitingApproval"/>).
    /// </summary>
    public async Task<AdjustmentResult> AdjustAsync(string consumerId, decimal amount, string? reason, string idempotencyKey, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (amount == 0 || Math.Abs(amount) > Options.MaxTopUp || decimal.Round(amount, Tariff.Decimals) != amount)
        {
            return new AdjustmentResult(AdjustmentOutcome.Invalid, null, null, string.Create(CultureInfo.InvariantCulture, $"An adjustment is not zero, at most {Options.MaxTopUp} either way, with at most {Tariff.Decimals} decimal places."));
        }

        if (!IsPrintable(reason, 128) || !IsPrintable(idempotencyKey, 128))
        {
            return new AdjustmentResult(AdjustmentOutcome.Invalid, null, null, "An adjustment has a reason and an idempotency key, each 1 to 128 printable characters.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var account = await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return new AdjustmentResult(AdjustmentOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
            }

            if (await Store.FindByKeyAsync(consumerId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                return RepeatAdjustment(earlier, account, amount);
            }

            if (NeedsApproval(amount))
            {
                return await RequestApprovalLockedAsync(account, amount, reason!, idempotencyKey, actor, cancellationToken).ConfigureAwait(false);
            }

            return await ApplyAdjustmentLockedAsync(consumerId, amount, reason!, idempotencyKey, actor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when an adjustment of this amount waits for a second admin.</summary>
    public bool NeedsApproval(decimal amount) => Options.AdjustmentApprovalThreshold is { } threshold && Math.Abs(amount) > threshold;

    /// <summary>
    /// A second admin approves a pending adjustment request: audited <c>prepaid.adjustment-approved</c>, then posted
    /// under the request's idempotency key (actor the approver, reference the requester's reason) and the request
    /// marked Applied. The requester cannot approve their own (refused, audited
    /// <c>prepaid.adjustment-self-approval-refused</c>); a request past its expiry is marked Expired (audited) and refused.
    /// </summary>
    public Task<AdjustmentDecisionResult> ApproveAdjustmentAsync(AdjustmentRequestId id, string actor, CancellationToken cancellationToken = default) =>
        DecidePendingAsync(id, actor, async request =>
        {
            if (string.Equals(request.RequestedBy, actor, StringComparison.Ordinal))
            {
                await _audit.AppendAsync(actor, PrepaidAuditActions.AdjustmentSelfApprovalRefused, PrepaidAuditActions.Subject(request.ConsumerId),
                    new AuditDetail().Add("request", request.Id.Value).ToString(), cancellationToken).ConfigureAwait(false);
                return new AdjustmentDecisionResult(AdjustmentDecisionOutcome.OwnRequest, request, null, "The requester cannot approve their own adjustment: another admin must.");
            }

            await _audit.AppendAsync(actor, PrepaidAuditActions.AdjustmentApproved, PrepaidAuditActions.Subject(request.ConsumerId),
                RequestDetail(request).ToString(), cancellationToken).ConfigureAwait(false);
            var applied = await ApplyAdjustmentLockedAsync(request.ConsumerId, request.Amount, request.Reason, request.IdempotencyKey, actor, cancellationToken).ConfigureAwait(false);
            if (applied.Outcome is not (AdjustmentOutcome.Applied or AdjustmentOutcome.Duplicate))
            {
                return new AdjustmentDecisionResult(AdjustmentDecisionOutcome.NotPending, request, applied.Entry, applied.Detail);
            }

            var decided = await Store.DecideAdjustmentRequestAsync(id, AdjustmentRequestState.Applied, actor, _time.GetUtcNow(), applied.Entry!.Sequence, cancellationToken).ConfigureAwait(false);
            var after = await Store.GetAdjustmentRequestAsync(id, cancellationToken).ConfigureAwait(false);
            return decided || after?.State == AdjustmentRequestState.Applied
                ? new AdjustmentDecisionResult(AdjustmentDecisionOutcome.Applied, after, applied.Entry, null)
                : new AdjustmentDecisionResult(AdjustmentDecisionOutcome.NotPending, after, null, "The request was decided by someone else meanwhile.");
        }, cancellationToken);

    /// <summary>Rejects a pending adjustment request (the requester may withdraw their own): audited <c>prepaid.adjustment-rejected</c>; nothing is posted.</summary>
    public Task<AdjustmentDecisionResult> RejectAdjustmentAsync(AdjustmentRequestId id, string actor, CancellationToken cancellationToken = default) =>
        DecidePendingAsync(id, actor, async request =>
        {
            await _audit.AppendAsync(actor, PrepaidAuditActions.AdjustmentRejected, PrepaidAuditActions.Subject(request.ConsumerId),
                RequestDetail(request).ToString(), cancellationToken).ConfigureAwait(false);
            var decided = await Store.DecideAdjustmentRequestAsync(id, AdjustmentRequestState.Rejected, actor, _time.GetUtcNow(), null, cancellationToken).ConfigureAwait(false);
            var after = await Store.GetAdjustmentRequestAsync(id, cancellationToken).ConfigureAwait(false);
            return decided
                ? new AdjustmentDecisionResult(AdjustmentDecisionOutcome.Rejected, after, null, null)
                : new AdjustmentDecisionResult(AdjustmentDecisionOutcome.NotPending, after, null, "The request was decided by someone else meanwhile.");
        }, cancellationToken);

    /// <summary>
    /// Under the service's gate: loads the request, refuses an unknown, decided or (marking it, audited) expired one,
    /// and otherwise runs <paramref name="decide"/> on the pending request.
    /// </summary>
    private async Task<AdjustmentDecisionResult> DecidePendingAsync(AdjustmentRequestId id, string actor, Func<AdjustmentRequest, Task<AdjustmentDecisionResult>> decide, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var request = await Store.GetAdjustmentRequestAsync(id, cancellationToken).ConfigureAwait(false);
            if (request is null)
            {
                return new AdjustmentDecisionResult(AdjustmentDecisionOutcome.UnknownRequest, null, null, $"No adjustment request {id}.");
            }

            return await ExpireLockedAsync(request, cancellationToken).ConfigureAwait(false) ?? await decide(request).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Adjustment requests newest first (in one state and of one consumer when given), at most <paramref name="limit"/>;
    /// pending ones past their expiry are marked Expired (audited) first, at most <paramref name="limit"/> per call.
    /// </summary>
    public async Task<IReadOnlyList<AdjustmentRequest>> ListAdjustmentRequestsAsync(AdjustmentRequestState? state, string? consumerId, int limit, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            foreach (var pending in await Store.ListAdjustmentRequestsAsync(AdjustmentRequestState.Pending, consumerId, limit, cancellationToken).ConfigureAwait(false))
            {
                if (pending.ExpiresAt <= now)
                {
                    await ExpireLockedAsync(pending, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return await Store.ListAdjustmentRequestsAsync(state, consumerId, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks pending requests past their expiry Expired (each audited <c>prepaid.adjustment-expired</c>), oldest first,
    /// at most <paramref name="limit"/>; returns how many it marked. The node's sweep (<see cref="RunAdjustmentExpiryAsync"/>)
    /// calls it, so a request expires on time even when nobody lists or decides it.
    /// </summary>
    public async Task<int> ExpireOverdueAdjustmentRequestsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var expired = 0;
            foreach (var overdue in await Store.ListOverdueAdjustmentRequestsAsync(_time.GetUtcNow(), limit, cancellationToken).ConfigureAwait(false))
            {
                await ExpireLockedAsync(overdue, cancellationToken).ConfigureAwait(false);
                expired++;
            }

            Metrics.OnAdjustmentsExpired(expired);
            return expired;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Expires overdue adjustment requests now, then every <see cref="PrepaidOptions.AdjustmentExpirySweep"/>, until
    /// cancelled (a node loop). Each sweep marks at most 1,000 and sweeps again at once while a sweep was full.
    /// </summary>
    public async Task RunAdjustmentExpiryAsync(CancellationToken cancellationToken)
    {
        const int PerSweep = 1_000;
        using var timer = new PeriodicTimer(Options.AdjustmentExpirySweep, _time);
        try
        {
            do
            {
                try
                {
                    while (await ExpireOverdueAdjustmentRequestsAsync(PerSweep, cancellationToken).ConfigureAwait(false) == PerSweep)
                    {
                    }

                    Metrics.OnAdjustmentExpirySweep();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Metrics.OnFailure(e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Null when the request is Pending and not expired; else (after marking an overdue one Expired, audited) the refusal.</summary>
    private async Task<AdjustmentDecisionResult?> ExpireLockedAsync(AdjustmentRequest request, CancellationToken cancellationToken)
    {
        if (request.State != AdjustmentRequestState.Pending)
        {
            return new AdjustmentDecisionResult(AdjustmentDecisionOutcome.NotPending, request, null, $"The request is {request.State.ToString().ToLowerInvariant()}.");
        }

        var now = _time.GetUtcNow();
        if (request.ExpiresAt > now)
        {
            return null;
        }

        await _audit.AppendAsync(AdjustmentRequest.ExpiryActor, PrepaidAuditActions.AdjustmentExpired, PrepaidAuditActions.Subject(request.ConsumerId),
            RequestDetail(request).ToString(), cancellationToken).ConfigureAwait(false);
        await Store.DecideAdjustmentRequestAsync(request.Id, AdjustmentRequestState.Expired, AdjustmentRequest.ExpiryActor, now, null, cancellationToken).ConfigureAwait(false);
        return new AdjustmentDecisionResult(AdjustmentDecisionOutcome.NotPending, await Store.GetAdjustmentRequestAsync(request.Id, cancellationToken).ConfigureAwait(false), null, "The request expired.");
    }

    private async Task<AdjustmentResult> RequestApprovalLockedAsync(PrepaidAccount account, decimal amount, string reason, string idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        if (await Store.FindAdjustmentRequestAsync(account.ConsumerId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return RepeatRequest(existing, account, amount);
        }

        var now = _time.GetUtcNow();
        var draft = new AdjustmentRequestDraft(account.ConsumerId, amount, reason, idempotencyKey, actor, now, now + Options.AdjustmentApprovalLifetime);
        await _audit.AppendAsync(actor, PrepaidAuditActions.AdjustmentRequested, PrepaidAuditActions.Subject(account.ConsumerId),
            new AuditDetail().Add("amount", amount.ToString(CultureInfo.InvariantCulture)).Add("currency", account.Currency)
                .Add("reason", reason).Add("idempotencyKey", idempotencyKey).ToString(), cancellationToken).ConfigureAwait(false);
        var request = await Store.CreateAdjustmentRequestAsync(draft, cancellationToken).ConfigureAwait(false);
        if (request is null && await Store.FindAdjustmentRequestAsync(account.ConsumerId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } raced)
        {
            return RepeatRequest(raced, account, amount);
        }

        return new AdjustmentResult(AdjustmentOutcome.AwaitingApproval, null, account,
            string.Create(CultureInfo.InvariantCulture, $"Above {Options.AdjustmentApprovalThreshold} the adjustment waits for a second admin's approval."), request);
    }

    private async Task<AdjustmentResult> ApplyAdjustmentLockedAsync(string consumerId, decimal amount, string reason, string idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        var account = await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return new AdjustmentResult(AdjustmentOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
        }

        if (await Store.FindByKeyAsync(consumerId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return RepeatAdjustment(earlier, account, amount);
        }

        var now = _time.GetUtcNow();
        await _audit.AppendAsync(actor, PrepaidAuditActions.Adjustment, PrepaidAuditActions.Subject(consumerId),
            new AuditDetail().Add("amount", amount.ToString(CultureInfo.InvariantCulture)).Add("currency", account.Currency)
                .Add("reason", reason).Add("idempotencyKey", idempotencyKey).ToString(), cancellationToken).ConfigureAwait(false);
        var posted = await Store.PostAsync(consumerId, new LedgerPosting(LedgerEntryKind.Adjustment, amount, now, actor, reason, idempotencyKey), cancellationToken).ConfigureAwait(false);
        if (posted.Outcome == LedgerPostOutcome.Duplicate)
        {
            return RepeatAdjustment(posted.Entry!, posted.Account!, amount);
        }

        if (posted.Outcome != LedgerPostOutcome.Posted)
        {
            return new AdjustmentResult(AdjustmentOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
        }

        var meters = await _consumerMeters.OfAsync(consumerId, cancellationToken).ConfigureAwait(false);
        await _evaluator.EvaluateAsync(posted.Account!, meters, cancellationToken).ConfigureAwait(false);
        return new AdjustmentResult(AdjustmentOutcome.Applied, posted.Entry, await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false), null);
    }

    private static AdjustmentResult RepeatRequest(AdjustmentRequest existing, PrepaidAccount account, decimal amount) =>
        existing.Amount == amount && existing.State == AdjustmentRequestState.Pending
            ? new AdjustmentResult(AdjustmentOutcome.AwaitingApproval, null, account, $"The adjustment is request {existing.Id}, waiting for a second admin.", existing)
            : existing.Amount == amount
            ? new AdjustmentResult(AdjustmentOutcome.KeyReused, null, account, $"The idempotency key was used for adjustment request {existing.Id}, {existing.State.ToString().ToLowerInvariant()}; ask again with a new key.", existing)
            : new AdjustmentResult(AdjustmentOutcome.KeyReused, null, account, $"The idempotency key was used for adjustment request {existing.Id} of {existing.Amount.ToString(CultureInfo.InvariantCulture)}.", existing);

    private static AuditDetail RequestDetail(AdjustmentRequest request) =>
        new AuditDetail().Add("request", request.Id.Value).Add("amount", request.Amount.ToString(CultureInfo.InvariantCulture))
            .Add("requestedBy", request.RequestedBy).Add("reason", request.Reason);

    /// <summary>The time zone the account's disconnect window is in: the configured one, else its tariff's, else UTC.</summary>
    public TimeZoneInfo ZoneOf(string consumerId) =>
        Options.TimeZoneId is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : _pricer.TariffOf(consumerId)?.TimeZone ?? TimeZoneInfo.Utc;

    public void Dispose()
    {
        _follower.Dispose();
        _gate.Dispose();
    }

    private static TopUpResult Repeat(LedgerEntry earlier, PrepaidAccount account, decimal amount) =>
        earlier.Amount == amount
            ? new TopUpResult(TopUpOutcome.Duplicate, earlier, account, null)
            : new TopUpResult(TopUpOutcome.KeyReused, earlier, account, $"The idempotency key was used for top-up {earlier.Sequence} of {earlier.Amount.ToString(CultureInfo.InvariantCulture)}.");

    private static AdjustmentResult RepeatAdjustment(LedgerEntry earlier, PrepaidAccount account, decimal amount) =>
        earlier.Kind == LedgerEntryKind.Adjustment && earlier.Amount == amount
            ? new AdjustmentResult(AdjustmentOutcome.Duplicate, earlier, account, null)
            : new AdjustmentResult(AdjustmentOutcome.KeyReused, earlier, account, $"The idempotency key was used for ledger entry {earlier.Sequence} ({earlier.Kind} of {earlier.Amount.ToString(CultureInfo.InvariantCulture)}).");

    private static bool IsValidConsumer(string? consumerId) => IsPrintable(consumerId, PrepaidAccount.MaxConsumerLength);

    private static bool IsPrintable(string? text, int maxLength) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength && !text.Any(char.IsControl);

    /// <summary>Notes the span of a record's interval (or snapshot) time per meter; false when more wait than <see cref="PrepaidOptions.MaxPendingConsumers"/>.</summary>
    private bool Note(IngestedRecord record)
    {
        var time = record switch
        {
            IngestedReading { Reading: var reading } when reading.Quantity == Quantity.BlockImportEnergy => reading.Time,
            IngestedBillingSnapshot { Snapshot: var snapshot } => snapshot.CapturedAt,
            _ => (DateTimeOffset?)null,
        };
        if (time is { } at)
        {
            Touch(record.Meter, at, at);
        }

        return _pending.Count <= Options.MaxPendingConsumers;
    }

    /// <summary>A meter whose records the feed lost: its consumer's months over the span of those records are settled (from the store, as always).</summary>
    private bool NoteLost(LostMeter lost)
    {
        Touch(lost.Meter, lost.First, lost.Last);
        return _pending.Count <= Options.MaxPendingConsumers;
    }

    private void Touch(MeterId meter, DateTimeOffset first, DateTimeOffset last) =>
        _pending[meter] = _pending.TryGetValue(meter, out var span)
            ? (first < span.First ? first : span.First, last > span.Last ? last : span.Last)
            : (first, last);

    private async Task SettlePendingAsync(CancellationToken cancellationToken)
    {
        var byConsumer = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var touched = new List<(Meter Meter, string Consumer)>();
        foreach (var (meter, span) in _pending)
        {
            if (_directory.TryGet(meter, out var known) && known.ConsumerId is { Length: > 0 } consumer)
            {
                if (!byConsumer.TryGetValue(consumer, out var times))
                {
                    byConsumer[consumer] = times = [];
                }

                times.Add(span.First);
                times.Add(span.Last);
                touched.Add((known, consumer));
            }
        }

        _pending.Clear();
        var ahead = await ReadAheadAsync(touched, byConsumer, cancellationToken).ConfigureAwait(false);
        foreach (var (consumer, times) in byConsumer.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            await GuardedAsync(consumer, _ => times, cancellationToken, ahead).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The touched meters' months that the round settles, read in grouped reads across the round's consumers
    /// (<see cref="PrepaidReadAhead"/>) rather than per meter; a consumer's other meters are read, grouped, when it is
    /// settled. Read outside the accounts' lock: newer data reaches the feed and settles in a later round. A failed read
    /// is counted and the round reads at settlement instead.
    /// </summary>
    private async Task<PrepaidReadAhead> ReadAheadAsync(List<(Meter Meter, string Consumer)> touched, Dictionary<string, List<DateTimeOffset>> byConsumer, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var ahead = new PrepaidReadAhead();
        try
        {
            var months = byConsumer.ToDictionary(c => c.Key, c => (IReadOnlyCollection<BillingMonth>)[.. _settler.MonthsOf(c.Key, [.. c.Value, now], now)], StringComparer.Ordinal);
            await _pricer.ReadAheadAsync(ahead, touched.Select(t => (t.Meter, months[t.Consumer])), now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
            ahead = new PrepaidReadAhead();
        }

        Metrics.OnGroupedReads(ahead.Reads);
        return ahead;
    }

    /// <summary>Settles and evaluates one consumer; a failure (a store error, a bad tariff) is counted and does not stop the others.</summary>
    private async Task GuardedAsync(string consumer, Func<IReadOnlyList<Meter>, IReadOnlyList<DateTimeOffset>> times, CancellationToken cancellationToken, PrepaidReadAhead? ahead = null)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await Store.GetAsync(consumer, cancellationToken).ConfigureAwait(false) is not { } account)
            {
                return;
            }

            var meters = await _consumerMeters.OfAsync(consumer, cancellationToken).ConfigureAwait(false);
            await _settler.SettleAsync(account, meters, times(meters), cancellationToken, ahead).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
        }
        finally
        {
            _gate.Release();
        }
    }
}
