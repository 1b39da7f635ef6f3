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
/// charge it was computed against, so two nodes never deduct the same consumption twice.
/// </summary>
public sealed class PrepaidService : IDisposable
{
    public const int AccountPage = 500;
    private const int MeterPage = 200;
    private const int MaxMonthsPerSettlement = 13;

    private readonly IngestFollower _follower;
    private readonly MeterDirectory _directory;
    private readonly IMeterRepository _meters;
    private readonly IReadingStore _readings;
    private readonly TariffCatalog _tariffs;
    private readonly AlertService _alerts;
    private readonly CommandService _commands;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
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
        _meters = meters;
        _readings = readings;
        _tariffs = tariffs;
        _alerts = alerts;
        _commands = commands;
        _audit = audit;
        _time = time ?? TimeProvider.System;

        // Subscribed at construction, so that nothing committed between the node's start and the loop's is missed.
        _follower = new IngestFollower(pipeline, Options.MaxRecordsPerRound, Options.EvaluationPeriod, fullPassAtStart: true, _time);
    }

    public IPrepaidStore Store { get; }

    public PrepaidOptions Options { get; }

    public PrepaidMetrics Metrics { get; } = new();

    /// <summary>Follows the feed (<see cref="IngestFollower"/>): a full pass at the start, after a loss and every <see cref="PrepaidOptions.EvaluationPeriod"/>, else the consumers each round touched.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _follower.RunAsync(Note, async ct =>
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

            var meters = await MetersOfAsync(consumerId, cancellationToken).ConfigureAwait(false);
            await SettleLockedAsync(account, meters, [.. times ?? [], _time.GetUtcNow()], cancellationToken).ConfigureAwait(false);
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

        if (TariffOf(consumerId) is not { } tariff)
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

            var meters = await MetersOfAsync(consumerId, cancellationToken).ConfigureAwait(false);
            await EvaluateLockedAsync(posted.Account!, meters, cancellationToken).ConfigureAwait(false);
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
    /// credit cancels a pending disconnect or requests the reconnect as a top-up would.
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

            var now = _time.GetUtcNow();
            await _audit.AppendAsync(actor, PrepaidAuditActions.Adjustment, PrepaidAuditActions.Subject(consumerId),
                new AuditDetail().Add("amount", amount.ToString(CultureInfo.InvariantCulture)).Add("currency", account.Currency)
                    .Add("reason", reason!).Add("idempotencyKey", idempotencyKey).ToString(), cancellationToken).ConfigureAwait(false);
            var posted = await Store.PostAsync(consumerId, new LedgerPosting(LedgerEntryKind.Adjustment, amount, now, actor, reason!, idempotencyKey), cancellationToken).ConfigureAwait(false);
            if (posted.Outcome == LedgerPostOutcome.Duplicate)
            {
                return RepeatAdjustment(posted.Entry!, posted.Account!, amount);
            }

            if (posted.Outcome != LedgerPostOutcome.Posted)
            {
                return new AdjustmentResult(AdjustmentOutcome.UnknownAccount, null, null, $"Consumer '{consumerId}' has no prepaid account.");
            }

            var meters = await MetersOfAsync(consumerId, cancellationToken).ConfigureAwait(false);
            await EvaluateLockedAsync(posted.Account!, meters, cancellationToken).ConfigureAwait(false);
            return new AdjustmentResult(AdjustmentOutcome.Applied, posted.Entry, await Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The time zone the account's disconnect window is in: the configured one, else its tariff's, else UTC.</summary>
    public TimeZoneInfo ZoneOf(string consumerId) =>
        Options.TimeZoneId is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TariffOf(consumerId)?.TimeZone ?? TimeZoneInfo.Utc;

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
            _pending[record.Meter] = _pending.TryGetValue(record.Meter, out var span)
                ? (at < span.First ? at : span.First, at > span.Last ? at : span.Last)
                : (at, at);
        }

        return _pending.Count <= Options.MaxPendingConsumers;
    }

    private async Task SettlePendingAsync(CancellationToken cancellationToken)
    {
        var byConsumer = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
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
            }
        }

        _pending.Clear();
        foreach (var (consumer, times) in byConsumer.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            await GuardedAsync(consumer, _ => times, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Settles and evaluates one consumer; a failure (a store error, a bad tariff) is counted and does not stop the others.</summary>
    private async Task GuardedAsync(string consumer, Func<IReadOnlyList<Meter>, IReadOnlyList<DateTimeOffset>> times, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await Store.GetAsync(consumer, cancellationToken).ConfigureAwait(false) is not { } account)
            {
                return;
            }

            var meters = await MetersOfAsync(consumer, cancellationToken).ConfigureAwait(false);
            await SettleLockedAsync(account, meters, times(meters), cancellationToken).ConfigureAwait(false);
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

    private async Task SettleLockedAsync(PrepaidAccount account, IReadOnlyList<Meter> meters, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var zone = TariffOf(account.ConsumerId)?.TimeZone ?? TimeZoneInfo.Utc;
        var months = times.Where(t => t <= now + TimeSpan.FromDays(1))
            .Select(t => MonthOf(t.AddTicks(-1), zone)).Distinct().Order().TakeLast(MaxMonthsPerSettlement);
        foreach (var month in months)
        {
            var charge = 0m;
            foreach (var meter in meters)
            {
                charge += await ChargeAsync(account, meter, month, now, cancellationToken).ConfigureAwait(false);
            }

            var charged = await Store.GetMonthChargedAsync(account.ConsumerId, month, cancellationToken).ConfigureAwait(false);
            Metrics.OnSettlement();
            if (charge == charged)
            {
                continue;
            }

            var posted = await Store.PostAsync(account.ConsumerId, new LedgerPosting(
                LedgerEntryKind.Deduction, charged - charge, now, PrepaidAuditActions.Actor, "consumption " + month.ToString(),
                Month: month.ToString(), MonthCharged: charge, ExpectedMonthCharged: charged), cancellationToken).ConfigureAwait(false);
            if (posted.Outcome == LedgerPostOutcome.Posted)
            {
                Metrics.OnDeduction();
            }
        }

        var current = await Store.GetAsync(account.ConsumerId, cancellationToken).ConfigureAwait(false);
        if (current is not null)
        {
            await EvaluateLockedAsync(current, meters, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A meter's running charge of a month, priced as its bill would be (0 before the month has data).</summary>
    private async Task<decimal> ChargeAsync(PrepaidAccount account, Meter meter, BillingMonth month, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_tariffs.TryResolve(meter, out var tariff, out var load) || tariff.VersionFor(month) is not { } version)
        {
            return 0m;
        }

        if (!string.Equals(tariff.Currency, account.Currency, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Meter {meter.Serial} is priced in {tariff.Currency}, the prepaid account of '{account.ConsumerId}' is in {account.Currency}.");
        }

        var zone = tariff.TimeZone;
        var (start, end) = month.Bounds(zone);
        var intervals = await ReadIntervalsAsync(meter.Id, start, end, cancellationToken).ConfigureAwait(false);
        Consumption? consumption = null;
        if (now >= end)
        {
            // The month has ended: priced from what its bill is made from when that is measured, not estimated.
            var snapshots = await _readings.GetBillingSnapshotsAsync(meter.Id, start - ConsumptionCalculator.SnapshotTolerance, end + ConsumptionCalculator.SnapshotTolerance, cancellationToken).ConfigureAwait(false);
            var whole = ConsumptionCalculator.Compute(month, zone, snapshots, intervals, version.Zones);
            if (whole is { Problem: ConsumptionProblem.None, Estimated: false, Consumption: { } measured })
            {
                consumption = measured;
            }
        }

        if (consumption is null)
        {
            var toDate = MonthToDateConsumption.Compute(month, zone, intervals, version.Zones);
            if (toDate.Intervals == 0)
            {
                return 0m;
            }

            consumption = toDate.Consumption;
        }

        return TariffCalculator.PriceMonthToDate(version, consumption, load).Total;
    }

    private async Task EvaluateLockedAsync(PrepaidAccount account, IReadOnlyList<Meter> meters, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var decision = PrepaidPolicy.Decide(account, now, Options, ZoneOf(account.ConsumerId));
        if (decision.IsNothing)
        {
            return;
        }

        var subject = PrepaidAuditActions.Subject(account.ConsumerId);
        var balance = account.Balance.ToString(CultureInfo.InvariantCulture);
        var low = account.LowBalance;
        var supply = account.Supply;
        var due = account.DisconnectDueAt;
        var episode = account.Episode;
        if (decision.RaiseLowBalance)
        {
            var threshold = Options.LowBalanceThreshold.ToString(CultureInfo.InvariantCulture);
            await _audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.LowBalance, subject,
                new AuditDetail().Add("balance", balance).Add("threshold", threshold).Add("currency", account.Currency).ToString(), cancellationToken).ConfigureAwait(false);
            if (meters.Count > 0)
            {
                // One alert per crossing: the ledger position of the crossing tells crossings apart.
                await _alerts.RaiseAsync(new Finding(
                    meters[0].Id, PrepaidAlerts.LowBalanceRule, PrepaidAlerts.Category, AlertSeverity.Warning, 1.0,
                    $"Prepaid balance of consumer {account.ConsumerId} is {balance} {account.Currency}, at or below the warning threshold of {threshold}.",
                    now, now, [new EvidenceItem(now, EvidenceItem.Computed, "balance", (double)account.Balance, account.Currency)],
                    account.Entries.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            }

            low = true;
        }

        if (decision.ClearLowBalance)
        {
            low = false;
        }

        switch (decision.Supply)
        {
            case SupplyAction.Postpone:
                if (supply != PrepaidSupply.DisconnectPending)
                {
                    await _audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectPostponed, subject,
                        new AuditDetail().Add("balance", balance).Add("due", decision.DueAt?.ToString("O", CultureInfo.InvariantCulture) ?? "none").ToString(), cancellationToken).ConfigureAwait(false);
                }

                supply = PrepaidSupply.DisconnectPending;
                due = decision.DueAt;
                break;
            case SupplyAction.CancelPending:
                await _audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectCancelled, subject,
                    new AuditDetail().Add("balance", balance).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Connected;
                due = null;
                break;
            case SupplyAction.Disconnect:
                if (await RequestAllAsync(meters, new DisconnectParameters(), $"prepaid:{account.ConsumerId}:{episode + 1}:disconnect", cancellationToken).ConfigureAwait(false) is not { } cut)
                {
                    break;
                }

                await _audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectRequested, subject,
                    new AuditDetail().Add("balance", balance).Add("episode", episode + 1).Add("commands", cut).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Disconnected;
                due = null;
                episode++;
                break;
            case SupplyAction.Reconnect:
                if (await RequestAllAsync(meters, new ConnectParameters(), $"prepaid:{account.ConsumerId}:{episode}:connect", cancellationToken).ConfigureAwait(false) is not { } restored)
                {
                    break;
                }

                await _audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.ReconnectRequested, subject,
                    new AuditDetail().Add("balance", balance).Add("episode", episode).Add("commands", restored).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Connected;
                break;
        }

        await Store.SetSupplyAsync(account.ConsumerId, new SupplyChange(low, supply, due, episode), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Requests a command of every meter (idempotent by key per meter); the command ids, or null when none could be requested.</summary>
    private async Task<string?> RequestAllAsync(IReadOnlyList<Meter> meters, CommandParameters parameters, string key, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var meter in meters)
        {
            try
            {
                var command = await _commands.RequestAsync(new CommandSubmission(meter.Id, parameters, PrepaidAuditActions.Actor, null, key + ":" + meter.Id.Value.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                ids.Add(command.Id.ToString());
                Metrics.OnCommand();
            }
            catch (CommandRejectedException e)
            {
                Metrics.OnFailure(e);
            }
        }

        return ids.Count > 0 || meters.Count == 0 ? string.Join(',', ids) : null;
    }

    private async Task<IReadOnlyList<Meter>> MetersOfAsync(string consumerId, CancellationToken cancellationToken)
    {
        var found = new List<Meter>();
        string? token = null;
        do
        {
            var page = await _meters.ListAsync(new MeterFilter(Search: consumerId), MeterPage, token, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items.Where(m => string.Equals(m.ConsumerId, consumerId, StringComparison.Ordinal)));
            token = page.NextPageToken;
        }
        while (token is not null && found.Count < Options.MaxMetersPerConsumer);

        if (found.Count > Options.MaxMetersPerConsumer)
        {
            Metrics.OnFailure(new InvalidDataException($"Consumer '{consumerId}' has more than {Options.MaxMetersPerConsumer} meters; only the first are priced."));
        }

        return [.. found.OrderBy(m => m.Id).Take(Options.MaxMetersPerConsumer)];
    }

    private async Task<List<IntervalReading>> ReadIntervalsAsync(MeterId meter, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        // As the bill reads them: intervals ending in (start, end]; a microsecond past the end is the first time the store tells apart.
        var rows = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await _readings.QueryAsync(new ReadingQuery(meter, start, end.AddTicks(TimeSpan.TicksPerMicrosecond), [Quantity.BlockImportEnergy], ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && rows.Count < BillingService.MaxIntervalRows);

        return token is null ? rows : throw new InvalidDataException($"Meter {meter} has more than {BillingService.MaxIntervalRows} intervals between {start:O} and {end:O}.");
    }

    private Tariff? TariffOf(string consumerId)
    {
        var assignment = _tariffs.Assignments.FirstOrDefault(a => string.Equals(a.ConsumerId, consumerId, StringComparison.Ordinal));
        var id = assignment?.TariffId ?? _tariffs.DefaultTariffId;
        return id is null ? null : _tariffs.Find(id);
    }

    private static BillingMonth MonthOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return new BillingMonth(local.Year, local.Month);
    }
}
