using System.Data.Common;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The northbound loop. It claims the oldest outbox rows nobody holds (at most <see cref="NorthboundOptions.BatchSize"/>
/// a round, for <see cref="NorthboundOptions.ClaimLease"/>), publishes them, and deletes each row only after the broker
/// confirmed it, so a crash or a lost connection between publish and confirm publishes it again (at least once;
/// consumers dedupe by message id). Up to <see cref="NorthboundOptions.RoundsInFlight"/> rounds are out at once: the
/// next round is claimed and published while the earlier one waits for its confirms; rounds are completed in order.
/// Claims keep relays of several nodes on one database from publishing the same row at the same time; a relay that
/// dies holding rows leaves them to the others once its lease lapses.
/// <para>
/// A round that fails because the broker cannot be reached (<see cref="OutboxPublishException"/>) gives its rows back
/// and the relay backs off (doubling to <see cref="NorthboundOptions.MaxRetryDelay"/>); the broker going down and
/// coming back is logged, counted and audited once per transition, not per retry. Messages the broker refused are given
/// back at once (and the relay backs off); unroutable messages (no queue bound) stay in the outbox and are published
/// again after a back-off of their own (doubling per attempt to <see cref="NorthboundOptions.MaxUnroutableDelay"/>),
/// counted and audited once per type per window. A failing outbox store (a <see cref="DbException"/>) is logged once per
/// transition and counted; anything else is a fault and ends the loop (the node stops, fail-stop).
/// </para>
/// The relay also watches the outbox's size (counted in the database up to <see cref="NorthboundOptions.MaxMessages"/>):
/// past the high-water mark it raises the alarm (audited once, metric) until the outbox falls below the low-water mark.
/// </summary>
public sealed partial class OutboxRelay
{
    public const string HighWaterAction = "northbound.outbox.high-water";
    public const string RecoveredAction = "northbound.outbox.recovered";
    public const string UnroutableAction = "northbound.unroutable";
    public const string BrokerDownAction = "northbound.down";
    public const string BrokerUpAction = "northbound.up";

    /// <summary>Transition audits waiting for an audit store that failed; more are not kept (the log and metric have them).</summary>
    private const int MaxPendingAudits = 16;

    /// <summary>How long a stopping relay tries to give back the rows of its unfinished rounds.</summary>
    private static readonly TimeSpan ReleaseBound = TimeSpan.FromSeconds(10);

    private readonly IOutboxStore _store;
    private readonly IOutboxPublisher _publisher;
    private readonly OutboxGauge _gauge;
    private readonly NorthboundMetrics _metrics;
    private readonly IAuditLog _audit;
    private readonly NorthboundOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, DateTimeOffset> _unroutableAudited = new(StringComparer.Ordinal);
    private readonly Queue<(string Action, string Detail)> _pendingAudits = new();
    private bool? _brokerUp;
    private bool _storeFailing;

    public OutboxRelay(IOutboxStore store, IOutboxPublisher publisher, OutboxGauge gauge, NorthboundMetrics metrics, IAuditLog audit, NorthboundOptions? options = null, TimeProvider? time = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(gauge);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(audit);
        _options = options ?? new NorthboundOptions();
        _options.Validate();
        _store = store;
        _publisher = publisher;
        _gauge = gauge;
        _metrics = metrics;
        _audit = audit;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Runs until cancelled; throws (ending the loop) on a fault that is neither the broker's nor the store's.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Round>(_options.RoundsInFlight);
        var delay = _options.MinRetryDelay;
        long counted = 0;
        var first = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (first || _time.GetElapsedTime(counted) >= _options.CountInterval)
                {
                    if (await TryCountAsync(cancellationToken).ConfigureAwait(false))
                    {
                        counted = _time.GetTimestamp();
                        first = false;
                    }
                }

                await CheckAlarmAsync(cancellationToken).ConfigureAwait(false);
                await FlushAuditsAsync(cancellationToken).ConfigureAwait(false);
                if (inFlight.Count < _options.RoundsInFlight)
                {
                    var claimed = await TryClaimAsync(cancellationToken).ConfigureAwait(false);
                    if (claimed is { Count: > 0 })
                    {
                        inFlight.Enqueue(new Round(claimed, _publisher.PublishAsync(claimed, cancellationToken)));
                        if (inFlight.Count < _options.RoundsInFlight)
                        {
                            // Claim and publish the next round while this one waits for its confirms.
                            continue;
                        }
                    }
                    else if (inFlight.Count == 0)
                    {
                        if (claimed is null)
                        {
                            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                            delay = Double(delay);
                        }
                        else
                        {
                            await _gauge.WaitForAppendAsync(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                        }

                        continue;
                    }
                }

                // The pipeline is full, or there is nothing more to claim now: finish the oldest round (it leaves the
                // queue only once settled, so that a relay stopped meanwhile gives its rows back).
                var settled = await CompleteAsync(inFlight.Peek(), cancellationToken).ConfigureAwait(false);
                inFlight.Dequeue();
                if (settled)
                {
                    delay = _options.MinRetryDelay;
                    continue;
                }

                while (inFlight.Count > 0)
                {
                    await CompleteAsync(inFlight.Peek(), cancellationToken).ConfigureAwait(false);
                    inFlight.Dequeue();
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = Double(delay);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: rows published but not yet confirmed stay in the outbox and are published again.
        }
        finally
        {
            await AbandonAsync(inFlight).ConfigureAwait(false);
        }
    }

    private TimeSpan Double(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));

    /// <summary>Rows claimed now (empty when there are none to claim), or null when the store failed.</summary>
    private async Task<IReadOnlyList<OutboxMessage>?> TryClaimAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            var rows = await _store.ClaimAsync(_options.BatchSize, now, now + _options.ClaimLease, cancellationToken).ConfigureAwait(false);
            StoreWorked();
            return rows;
        }
        catch (DbException e)
        {
            StoreFailed(e);
            return null;
        }
    }

    /// <summary>Waits for a round's confirms and settles its rows; false when the relay should back off.</summary>
    private async Task<bool> CompleteAsync(Round round, CancellationToken cancellationToken)
    {
        var rows = round.Rows;
        IReadOnlyList<PublishOutcome> outcomes;
        try
        {
            outcomes = await round.Publishing.ConfigureAwait(false);
        }
        catch (OutboxPublishException e)
        {
            _metrics.OnPublishFailed();
            BrokerDown(e);
            // Nothing of the round counts as delivered: give the rows back at once (another node's relay may reach the broker).
            await TryReleaseAsync([.. rows.Select(r => r.Sequence)], _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (outcomes.Count != rows.Count)
        {
            throw new InvalidOperationException($"The publisher answered {outcomes.Count} outcomes for {rows.Count} messages.");
        }

        BrokerUp();
        var done = new List<long>(rows.Count);
        var refused = new List<long>();
        List<OutboxMessage>? unroutable = null;
        for (var i = 0; i < rows.Count; i++)
        {
            switch (outcomes[i])
            {
                case PublishOutcome.Confirmed:
                    done.Add(rows[i].Sequence);
                    break;
                case PublishOutcome.Unroutable:
                    (unroutable ??= []).Add(rows[i]);
                    break;
                case PublishOutcome.Refused:
                    refused.Add(rows[i].Sequence);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown publish outcome {outcomes[i]}.");
            }
        }

        _metrics.OnPublished(done.Count);
        var settled = true;
        if (done.Count > 0)
        {
            try
            {
                _gauge.Removed(await _store.DeleteAsync(done, cancellationToken).ConfigureAwait(false));
                StoreWorked();
            }
            catch (DbException e)
            {
                // They were delivered; still claimed, they are published again when the claim lapses (consumers dedupe by message id).
                StoreFailed(e);
                settled = false;
            }
        }

        if (refused.Count > 0)
        {
            _metrics.OnRefused(refused.Count);
            settled = false;
            await TryReleaseAsync(refused, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        if (unroutable is not null)
        {
            _metrics.OnUnroutable(unroutable.Count);
            await AuditUnroutableAsync(unroutable, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            foreach (var group in unroutable.GroupBy(m => m.Attempts))
            {
                await TryReleaseAsync([.. group.Select(m => m.Sequence)], now + UnroutableDelay(group.Key), cancellationToken).ConfigureAwait(false);
            }
        }

        return settled;
    }

    /// <summary>The back-off of an unroutable message after <paramref name="attempts"/> earlier undelivered attempts.</summary>
    private TimeSpan UnroutableDelay(int attempts)
    {
        var ticks = _options.MinUnroutableDelay.Ticks;
        for (var i = 0; i < attempts && ticks < _options.MaxUnroutableDelay.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, _options.MaxUnroutableDelay.Ticks));
    }

    private async Task TryReleaseAsync(IReadOnlyCollection<long> sequences, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        try
        {
            await _store.ReleaseAsync(sequences, notBefore, cancellationToken).ConfigureAwait(false);
            StoreWorked();
        }
        catch (DbException e)
        {
            // Still claimed: they are published again when the claim lapses.
            StoreFailed(e);
        }
    }

    /// <summary>A stopping relay gives back the rows of the rounds it did not finish, so that the next relay need not wait for their claims to lapse.</summary>
    private async Task AbandonAsync(Queue<Round> inFlight)
    {
        if (inFlight.Count == 0)
        {
            return;
        }

        var rows = inFlight.SelectMany(r => r.Rows.Select(m => m.Sequence)).ToList();
        // Observe the rounds (cancelled with the relay); what they would have confirmed is published again.
        await ((Task)Task.WhenAll(inFlight.Select(r => r.Publishing))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        inFlight.Clear();
        using var bound = new CancellationTokenSource(ReleaseBound, _time);
        try
        {
            await _store.ReleaseAsync(rows, _time.GetUtcNow(), bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or ObjectDisposedException)
        {
            // The claims lapse on their own after the lease.
            LogAbandonFailed(_logger, rows.Count, e.Message);
        }
    }

    private async Task<bool> TryCountAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Bounded: the count stops at MaxMessages however large the table is (other nodes may take it further).
            var count = await _store.CountAsync(_options.MaxMessages, cancellationToken).ConfigureAwait(false);
            _gauge.Set(count >= _options.MaxMessages ? Math.Max(count, _gauge.Count) : count);
            StoreWorked();
            return true;
        }
        catch (DbException e)
        {
            StoreFailed(e);
            return false;
        }
    }

    private void BrokerDown(OutboxPublishException e)
    {
        if (_brokerUp == false)
        {
            return;
        }

        _brokerUp = false;
        _metrics.OnBrokerDown();
        LogBrokerDown(_logger, e.Message);
        EnqueueAudit(BrokerDownAction, Json(json =>
        {
            json.WriteString("reason", e.Message);
            json.WriteString("note", "the outbox keeps every message until the broker takes it");
        }));
    }

    private void BrokerUp()
    {
        if (_brokerUp == true)
        {
            return;
        }

        var wasDown = _brokerUp == false;
        _brokerUp = true;
        if (wasDown)
        {
            LogBrokerUp(_logger, _gauge.Count);
            EnqueueAudit(BrokerUpAction, Json(json => json.WriteNumber("messages", _gauge.Count)));
        }
        else
        {
            LogBrokerReached(_logger);
        }
    }

    private void StoreFailed(DbException e)
    {
        _metrics.OnStoreFailed();
        if (!_storeFailing)
        {
            _storeFailing = true;
            LogStoreFailed(_logger, e);
        }
    }

    private void StoreWorked()
    {
        if (_storeFailing)
        {
            _storeFailing = false;
            LogStoreRecovered(_logger);
        }
    }

    private void EnqueueAudit(string action, string detail)
    {
        if (_pendingAudits.Count >= MaxPendingAudits)
        {
            _pendingAudits.Dequeue();
        }

        _pendingAudits.Enqueue((action, detail));
    }

    /// <summary>Audits the broker transitions not yet audited, in order; one whose append failed is tried again next round.</summary>
    private async Task FlushAuditsAsync(CancellationToken cancellationToken)
    {
        while (_pendingAudits.TryPeek(out var audit))
        {
            try
            {
                await _audit.AppendAsync("system", audit.Action, "broker", audit.Detail, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or AuditConflictException)
            {
                return;
            }

            _pendingAudits.Dequeue();
        }
    }

    /// <summary>Raises the alarm past the high-water mark and clears it below the low-water mark, each audited once.</summary>
    private async Task CheckAlarmAsync(CancellationToken cancellationToken)
    {
        var count = _gauge.Count;
        // The alarm's state lives in the metrics, shared by every relay of the process: a relay started again does not audit it again.
        var alarm = _metrics.Alarm;
        var raise = !alarm && count >= _options.HighWaterMark;
        var clear = alarm && count < _options.LowWaterMark;
        if (!raise && !clear)
        {
            return;
        }

        var detail = Json(json =>
        {
            json.WriteNumber("messages", count);
            json.WriteNumber("highWaterMark", _options.HighWaterMark);
            json.WriteNumber("lowWaterMark", _options.LowWaterMark);
            json.WriteNumber("maxMessages", _options.MaxMessages);
        });
        try
        {
            await _audit.AppendAsync("system", raise ? HighWaterAction : RecoveredAction, "outbox", detail, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or AuditConflictException)
        {
            // Not audited yet: the next round tries again.
            return;
        }

        _metrics.SetAlarm(raise);
        if (raise)
        {
            LogHighWater(_logger, count, _options.HighWaterMark);
        }
        else
        {
            LogRecovered(_logger, count, _options.LowWaterMark);
        }
    }

    private async Task AuditUnroutableAsync(List<OutboxMessage> unroutable, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var group in unroutable.GroupBy(m => m.Entry.Type, StringComparer.Ordinal))
        {
            if (_unroutableAudited.TryGetValue(group.Key, out var last) && now - last < _options.AuditWindow)
            {
                continue;
            }

            var sample = group.First().Entry;
            var count = group.Count();
            var detail = Json(json =>
            {
                json.WriteString("routingKey", sample.RoutingKey);
                json.WriteString("messageId", sample.MessageId);
                json.WriteNumber("messages", count);
                json.WriteString("note", "no queue is bound for the routing key; the messages stay in the outbox and are published again with back-off");
            });
            try
            {
                await _audit.AppendAsync("system", UnroutableAction, group.Key, detail, cancellationToken).ConfigureAwait(false);
                _unroutableAudited[group.Key] = now;
                LogUnroutable(_logger, count, group.Key, sample.RoutingKey);
            }
            catch (Exception e) when (e is DbException or AuditConflictException)
            {
                // Counted in the metrics all the same; audited at the next return.
            }
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Northbound: the broker is unreachable ({Reason}); the outbox keeps the messages and the relay retries with back-off")]
    private static partial void LogBrokerDown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Northbound: the broker is reachable again; {Messages} messages wait in the outbox")]
    private static partial void LogBrokerUp(ILogger logger, long messages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Northbound: publishing to the broker")]
    private static partial void LogBrokerReached(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Northbound: the outbox store failed; the relay retries")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Northbound: the outbox store works again")]
    private static partial void LogStoreRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Northbound: {Messages} messages could not be given back to the outbox at stop ({Reason}); they are published again when their claim lapses")]
    private static partial void LogAbandonFailed(ILogger logger, int messages, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Northbound: the outbox holds {Messages} messages, past its high-water mark {HighWaterMark}")]
    private static partial void LogHighWater(ILogger logger, long messages, long highWaterMark);

    [LoggerMessage(Level = LogLevel.Information, Message = "Northbound: the outbox holds {Messages} messages, below its low-water mark {LowWaterMark}; alarm cleared")]
    private static partial void LogRecovered(ILogger logger, long messages, long lowWaterMark);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Northbound: {Messages} {Type} messages are unroutable (no queue bound for e.g. {RoutingKey}); kept and published again with back-off")]
    private static partial void LogUnroutable(ILogger logger, int messages, string type, string routingKey);

    /// <summary>One claimed round: its rows and its publishing (the broker's answer to each).</summary>
    private sealed record Round(IReadOnlyList<OutboxMessage> Rows, Task<IReadOnlyList<PublishOutcome>> Publishing);
}
