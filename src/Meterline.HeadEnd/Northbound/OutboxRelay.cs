using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The northbound loop: reads the oldest outbox rows (at most <see cref="NorthboundOptions.BatchSize"/>, the bound of
/// messages in flight), publishes them, and deletes each row only after the broker confirmed it, so a crash or a lost
/// connection between publish and confirm publishes it again (at least once; consumers dedupe by message id). A failed
/// round backs off (doubling to <see cref="NorthboundOptions.MaxRetryDelay"/>) and tries the same rows again; messages
/// the broker refused stay and are tried again. Unroutable messages (no queue bound) are counted, audited once per
/// type per window and deleted. The relay also watches the outbox's size: past the high-water mark it raises the
/// alarm (audited once, metric) until the outbox falls below the low-water mark.
/// </summary>
public sealed class OutboxRelay
{
    public const string HighWaterAction = "northbound.outbox.high-water";
    public const string RecoveredAction = "northbound.outbox.recovered";
    public const string UnroutableAction = "northbound.unroutable";

    private readonly IOutboxStore _store;
    private readonly IOutboxPublisher _publisher;
    private readonly OutboxGauge _gauge;
    private readonly NorthboundMetrics _metrics;
    private readonly IAuditLog _audit;
    private readonly NorthboundOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _unroutableAudited = new(StringComparer.Ordinal);

    public OutboxRelay(IOutboxStore store, IOutboxPublisher publisher, OutboxGauge gauge, NorthboundMetrics metrics, IAuditLog audit, NorthboundOptions? options = null, TimeProvider? time = null)
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
    }

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
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
                if (!await RoundAsync(cancellationToken).ConfigureAwait(false))
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                }
                else
                {
                    delay = _options.MinRetryDelay;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: rows published but not yet confirmed stay in the outbox and are published again at the next start.
        }
    }

    /// <summary>One read-publish-delete round; false when it failed or the broker refused some (then the relay backs off).</summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxMessage> rows;
        IReadOnlyList<PublishOutcome> outcomes;
        try
        {
            rows = await _store.ReadAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                await _gauge.WaitForAppendAsync(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                return true;
            }

            outcomes = await _publisher.PublishAsync(rows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.OnPublishFailed();
            return false;
        }

        var done = new List<long>(rows.Count);
        var published = 0;
        var refused = 0;
        List<OutboxMessage>? unroutable = null;
        for (var i = 0; i < rows.Count; i++)
        {
            switch (outcomes[i])
            {
                case PublishOutcome.Confirmed:
                    published++;
                    done.Add(rows[i].Sequence);
                    break;
                case PublishOutcome.Unroutable:
                    (unroutable ??= []).Add(rows[i]);
                    done.Add(rows[i].Sequence);
                    break;
                default:
                    refused++;
                    break;
            }
        }

        _metrics.OnPublished(published);
        if (refused > 0)
        {
            _metrics.OnRefused(refused);
        }

        if (unroutable is not null)
        {
            _metrics.OnUnroutable(unroutable.Count);
            await AuditUnroutableAsync(unroutable, cancellationToken).ConfigureAwait(false);
        }

        if (done.Count > 0)
        {
            try
            {
                _gauge.Removed(await _store.DeleteAsync(done, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // They were delivered; kept in the outbox they are published again (consumers dedupe by message id).
                _metrics.OnPublishFailed();
                return false;
            }
        }

        return refused == 0;
    }

    private async Task<bool> TryCountAsync(CancellationToken cancellationToken)
    {
        try
        {
            _gauge.Set(await _store.CountAsync(cancellationToken).ConfigureAwait(false));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
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
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not audited yet: the next round tries again.
            return;
        }

        _metrics.SetAlarm(raise);
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
                json.WriteString("note", "no queue is bound for the routing key; the messages were deleted from the outbox");
            });
            try
            {
                await _audit.AppendAsync("system", UnroutableAction, group.Key, detail, cancellationToken).ConfigureAwait(false);
                _unroutableAudited[group.Key] = now;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Counted in the metrics all the same.
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
}
