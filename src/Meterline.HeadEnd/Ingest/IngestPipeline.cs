using IMeterFactory = System.Diagnostics.Metrics.IMeterFactory;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The ingest pipeline: transports submit frames (<see cref="SubmitAsync"/>); each passes the
/// <see cref="IngressGuard"/> and the <see cref="IPushDecoder"/> and waits in one of two bounded queues — alerts in
/// the priority queue, always drained first; usage data in the usage queue, shed first when full (after a bounded wait
/// for room when the transport has no acknowledgement, since shedding would lose the push) — until the batch
/// writer (<see cref="RunAsync"/>) collects up to <see cref="IngestPipelineOptions.MaxBatchRecords"/> records or
/// <see cref="IngestPipelineOptions.MaxBatchDelay"/> into one idempotent <see cref="IReadingStore.WriteAsync"/> with
/// the batch's highest push counter per meter and the meters heard (marked in the same transaction by a store that
/// can, through the registry after the commit otherwise). Only after that commit are the frames acknowledged, the
/// counter marks raised and the records published to subscribers. A failed write acknowledges its frames
/// as failed (meters resend) and is retried with back-off. A cover-open event (251) marks the meter's keys
/// compromised, audited first. A replay the meter refused (event 170, a secured request with a stale invocation
/// counter: someone replayed captured traffic to the meter) is audited as <c>meter.replay-refused</c>.
/// </summary>
public sealed partial class IngestPipeline : IInboundFrameSink, IDisposable
{
    /// <summary>IS 15959 event code of a cover open: the meter erases its keys.</summary>
    public const int CoverOpenEventCode = 251;

    /// <summary>The meter refused a secured request for a stale invocation counter (a replay); a Meterline extension of the IS 15959 table.</summary>
    public const int ReplayRefusedEventCode = 170;

    /// <summary>The audit action of a replay a meter refused.</summary>
    public const string ReplayRefusedAction = "meter.replay-refused";

    private readonly IPushDecoder _decoder;
    private readonly IReadingStore _store;
    private readonly IMeterRepository _meters;
    private readonly IAuditLog _audit;
    private readonly IngestPipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<AcceptedPush> _priority;
    private readonly Channel<AcceptedPush> _usage;
    private readonly Channel<bool> _signal;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _subscribersLock = new();
    private readonly Dictionary<MeterId, DateTimeOffset> _lastReplayAudited = [];
    private IngestSubscription[] _subscribers = [];
    private int _completed;
    private int _running;

    public IngestPipeline(
        ISecuredApduInspector inspector,
        IPushDecoder decoder,
        IReadingStore store,
        IMeterRepository meters,
        IAuditLog audit,
        IngestPipelineOptions? options = null,
        TimeProvider? time = null,
        IMeterFactory? meterFactory = null,
        MeterDirectory? directory = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(audit);
        _options = options ?? new IngestPipelineOptions();
        _options.Validate();
        _decoder = decoder;
        _store = store;
        _meters = meters;
        _audit = audit;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Directory = directory ?? new MeterDirectory();
        CounterMarks = new PushCounterMarks();
        Metrics = new IngestMetrics(meterFactory);
        var guard = _options.Guard;
        Auditor = new RejectionAuditor(audit, _time, guard.AuditWindow, guard.MaxAuditKeys, guard.AuditQueueCapacity);
        Guard = new IngressGuard(inspector, Directory, CounterMarks, Auditor, Metrics, guard, _time);
        _priority = Channel.CreateBounded<AcceptedPush>(new BoundedChannelOptions(_options.PriorityQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _usage = Channel.CreateBounded<AcceptedPush>(new BoundedChannelOptions(_options.UsageQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    }

    /// <summary>The registered meters the guard knows (given at construction, to share it with the northbound messages; call <see cref="MeterDirectory.Set"/> when a meter is added or changed).</summary>
    public MeterDirectory Directory { get; }

    /// <summary>The committed push counter per meter.</summary>
    public PushCounterMarks CounterMarks { get; }

    public IngestMetrics Metrics { get; }

    /// <summary>The settings the pipeline runs with (validated).</summary>
    public IngestPipelineOptions Options => _options;

    public RejectionAuditor Auditor { get; }

    public IngressGuard Guard { get; }

    /// <summary>Pushes waiting in the priority queue.</summary>
    public int QueuedPriority => _priority.Reader.Count;

    /// <summary>Pushes waiting in the usage queue.</summary>
    public int QueuedUsage => _usage.Reader.Count;

    /// <summary>Loads the meter directory from the registry and the counter marks from the reading store. <see cref="RunAsync"/> does this if it was not done.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await Directory.LoadAsync(_meters, cancellationToken).ConfigureAwait(false);
        if (_options.LoadCounterMarks)
        {
            await CounterMarks.LoadAsync(_store, cancellationToken).ConfigureAwait(false);
        }

        _loaded.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!_loaded.Task.IsCompleted)
        {
            await _loaded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _completed) != 0)
        {
            return Shed(frame);
        }

        var verdict = Guard.Check(frame);
        if (!verdict.IsAccepted || verdict.Meter is not { } meter)
        {
            return FrameAdmission.Rejected(verdict.Reason ?? IngestRejectReason.UnknownSystemTitle);
        }

        PushDecodeResult decoded;
        try
        {
            decoded = await _decoder.DecodeAsync(frame, verdict.Header, meter, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            frame.Complete(FrameOutcome.Failed);
            throw;
        }
        catch (Exception e)
        {
            // A decoder must refuse rather than throw; if one throws anyway, the frame is refused and ingest goes on.
            decoded = PushDecodeResult.Refused(IngestRejectReason.Undecodable, e.GetType().Name);
        }

        if (decoded.Push is not { } push || push.Meter != meter.Id)
        {
            var reason = decoded.Push is null ? decoded.Reason : IngestRejectReason.Undecodable;
            Guard.Reject(frame, reason, meter, verdict.Header, decoded.Detail);
            return FrameAdmission.Rejected(reason);
        }

        var item = new AcceptedPush(frame, push);
        if (push.IsPriority)
        {
            if (!_priority.Writer.TryWrite(item) && !await WaitForRoomAsync(_priority, item, _options.PriorityWait, cancellationToken).ConfigureAwait(false))
            {
                return Shed(frame);
            }
        }
        else if (!_usage.Writer.TryWrite(item)
            && (frame.Acknowledgement is not null || !await WaitForRoomAsync(_usage, item, _options.UnacknowledgedWait, cancellationToken).ConfigureAwait(false)))
        {
            return Shed(frame);
        }

        Metrics.OnAccepted();
        _signal.Writer.TryWrite(true);
        return FrameAdmission.Queued;
    }

    /// <inheritdoc />
    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail) => Guard.RejectUnread(linkId, source, reason, detail);

    /// <summary>
    /// Runs the batch writer (and the rejection auditor) until cancelled or, after <see cref="Complete"/>, until the
    /// queues are empty. Frames still queued when it stops are acknowledged as failed.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The ingest pipeline is already running.");
        }

        if (!_loaded.Task.IsCompleted)
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        using var stopAuditing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var auditing = Auditor.RunAsync(stopAuditing.Token);
        try
        {
            await WriteLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            FailQueued();
            await stopAuditing.CancelAsync().ConfigureAwait(false);
            await auditing.ConfigureAwait(false);
            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                subscriber.Complete();
            }
        }
    }

    /// <summary>Stops taking frames; <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete()
    {
        Volatile.Write(ref _completed, 1);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Subscribes to committed records (a bounded feed that loses its oldest records when the subscriber falls behind).</summary>
    /// <exception cref="InvalidOperationException"><see cref="IngestPipelineOptions.MaxSubscribers"/> are already subscribed.</exception>
    public IngestSubscription Subscribe()
    {
        lock (_subscribersLock)
        {
            if (_subscribers.Length >= _options.MaxSubscribers)
            {
                throw new InvalidOperationException($"At most {_options.MaxSubscribers} subscribers.");
            }

            var subscription = new IngestSubscription(_options.SubscriberCapacity, _options.SubscriberLostMeters, Metrics, Unsubscribe);
            _subscribers = [.. _subscribers, subscription];
            return subscription;
        }
    }

    public void Dispose() => Metrics.Dispose();

    private void Unsubscribe(IngestSubscription subscription)
    {
        lock (_subscribersLock)
        {
            _subscribers = _subscribers.Where(s => !ReferenceEquals(s, subscription)).ToArray();
        }
    }

    private FrameAdmission Shed(InboundFrame frame)
    {
        Metrics.OnShed();
        frame.Complete(FrameOutcome.Failed);
        return FrameAdmission.Shed;
    }

    /// <summary>Waits up to <paramref name="wait"/> for room in <paramref name="queue"/>; false when there was none.</summary>
    private async ValueTask<bool> WaitForRoomAsync(Channel<AcceptedPush> queue, AcceptedPush item, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await queue.Writer.WriteAsync(item, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            item.Frame.Complete(FrameOutcome.Failed);
            throw;
        }
    }

    private bool HasQueued => _priority.Reader.Count > 0 || _usage.Reader.Count > 0;

    private bool TryTakeNext(out AcceptedPush item) => _priority.Reader.TryRead(out item!) || _usage.Reader.TryRead(out item!);

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AcceptedPush>();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!HasQueued)
            {
                if (Volatile.Read(ref _completed) != 0)
                {
                    return;
                }

                try
                {
                    await _signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            batch.Clear();
            var records = await CollectAsync(batch, cancellationToken).ConfigureAwait(false);
            await CommitAsync(batch, records, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes pushes, priority first, until the batch holds enough records or its time is up — or, group commit, until
    /// nothing more is queued when every push taken waits for an acknowledgement (MQTT PUBACK, CoAP response): those
    /// senders send nothing more until they hear of this commit, so lingering would only add the delay to every push.
    /// Batches still grow under load, from what arrives while the previous commit runs.
    /// </summary>
    private async Task<int> CollectAsync(List<AcceptedPush> batch, CancellationToken cancellationToken)
    {
        var records = 0;
        var unacknowledged = 0;
        var started = _time.GetTimestamp();
        while (records < _options.MaxBatchRecords)
        {
            if (TryTakeNext(out var item))
            {
                batch.Add(item);
                records += Math.Max(1, item.Push.RecordCount);
                unacknowledged += item.Frame.Acknowledgement is null ? 1 : 0;
                continue;
            }

            if (batch.Count > 0 && unacknowledged == 0)
            {
                break;
            }

            var remaining = _options.MaxBatchDelay - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || Volatile.Read(ref _completed) != 0)
            {
                break;
            }

            using var timeout = new CancellationTokenSource(remaining, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await _signal.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return records;
    }

    private async Task CommitAsync(List<AcceptedPush> batch, int records, CancellationToken cancellationToken)
    {
        var readings = new List<IntervalReading>(records);
        var snapshots = new List<BillingSnapshot>();
        var events = new List<MeterEvent>();
        var counters = new Dictionary<MeterId, uint>();
        var heard = new Dictionary<MeterId, DateTimeOffset>();
        foreach (var (frame, push) in batch)
        {
            readings.AddRange(push.Readings);
            snapshots.AddRange(push.BillingSnapshots);
            events.AddRange(push.Events);
            counters[push.Meter] = Math.Max(push.InvocationCounter, counters.GetValueOrDefault(push.Meter));
            heard[push.Meter] = heard.TryGetValue(push.Meter, out var at) && at > frame.ReceivedAt ? at : frame.ReceivedAt;
        }

        var ingest = new IngestBatch(readings, snapshots, events, counters) { MetersHeard = heard };
        if (await WriteWithRetriesAsync(batch, ingest, cancellationToken).ConfigureAwait(false) is not { } written)
        {
            return;
        }

        Metrics.OnCommitted(records);
        foreach (var (meter, counter) in counters)
        {
            CounterMarks.Raise(meter, counter);
        }

        if (!written.MetersHeardMarked)
        {
            try
            {
                await _meters.MarkHeardAsync(heard, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Metrics.OnAfterCommitFailure();
            }
        }

        await MarkCompromisedAsync(events, cancellationToken).ConfigureAwait(false);
        await AuditReplaysAsync(events, cancellationToken).ConfigureAwait(false);
        Publish(readings, snapshots, events);
    }

    /// <summary>Writes the batch, retrying with back-off; acknowledges its frames as committed, or as failed at the first failure. Null when given up.</summary>
    private async Task<IngestResult?> WriteWithRetriesAsync(List<AcceptedPush> batch, IngestBatch ingest, CancellationToken cancellationToken)
    {
        var delay = _options.MinRetryDelay;
        var acknowledgedFailed = false;
        IngestResult written;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                written = await _store.WriteAsync(ingest, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (!acknowledgedFailed)
                {
                    Acknowledge(batch, FrameOutcome.Failed);
                }

                return null;
            }
            catch (Exception e)
            {
                if (attempt == 1)
                {
                    LogWriteFailed(_logger, e, batch.Count, _options.MaxWriteAttempts);
                }

                Metrics.OnWriteFailed();
                if (!acknowledgedFailed)
                {
                    // The meters will send again; a later success of this retry makes their second copy a no-op.
                    Acknowledge(batch, FrameOutcome.Failed);
                    acknowledgedFailed = true;
                }

                if (attempt >= _options.MaxWriteAttempts)
                {
                    LogAbandoned(_logger, batch.Count, attempt);
                    Metrics.OnAbandoned();
                    return null;
                }
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }

        if (!acknowledgedFailed)
        {
            Acknowledge(batch, FrameOutcome.Committed);
        }
        else
        {
            LogWriteRecovered(_logger, batch.Count);
        }

        return written;
    }

    private void Acknowledge(List<AcceptedPush> batch, FrameOutcome outcome)
    {
        // One run: a transport that sends acknowledgements over a shared connection (the MQTT consumer) sends this
        // commit's together, in one write, when the run ends.
        using var run = FrameAcknowledgementRun.Begin();
        foreach (var item in batch)
        {
            try
            {
                item.Frame.Complete(outcome);
            }
            catch (Exception)
            {
                // A transport's acknowledgement callback failed (its connection went away): nothing to undo here.
                Metrics.OnAfterCommitFailure();
            }
        }
    }

    private async Task MarkCompromisedAsync(List<MeterEvent> events, CancellationToken cancellationToken)
    {
        foreach (var coverOpen in events)
        {
            if (coverOpen.Code != CoverOpenEventCode || !Directory.TryGet(coverOpen.Meter, out var meter) || meter.KeyStatus == KeyStatus.Compromised)
            {
                continue;
            }

            try
            {
                await _audit.AppendAsync("system", "meter.keys.compromised", meter.Serial, CoverOpenDetail(meter, coverOpen), cancellationToken).ConfigureAwait(false);
                await _meters.SetKeyStatusAsync(meter.Id, KeyStatus.Compromised, null, cancellationToken).ConfigureAwait(false);
                Directory.Set(meter with { KeyStatus = KeyStatus.Compromised });
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Metrics.OnAfterCommitFailure();
            }
        }
    }

    /// <summary>
    /// Audits each replay a meter reports (event 170) once: an event delivered again (a push retried after its commit)
    /// is not audited twice, by the last event time audited per registered meter (the batch writer is the only caller).
    /// </summary>
    private async Task AuditReplaysAsync(List<MeterEvent> events, CancellationToken cancellationToken)
    {
        foreach (var replay in events)
        {
            if (replay.Code != ReplayRefusedEventCode || !Directory.TryGet(replay.Meter, out var meter)
                || (_lastReplayAudited.TryGetValue(meter.Id, out var last) && replay.OccurredAt <= last))
            {
                continue;
            }

            try
            {
                await _audit.AppendAsync("system", ReplayRefusedAction, meter.Serial, ReplayDetail(meter, replay), cancellationToken).ConfigureAwait(false);
                _lastReplayAudited[meter.Id] = replay.OccurredAt;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Metrics.OnAfterCommitFailure();
            }
        }
    }

    private static string ReplayDetail(Meters.Meter meter, MeterEvent replay)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("eventCode", replay.Code);
            json.WriteString("occurredAt", replay.OccurredAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("receivedAt", replay.ReceivedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("systemTitle", meter.SystemTitle.ToString());
            json.WriteString("note", "the meter refused a secured request with a stale invocation counter: captured traffic was replayed to it");
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string CoverOpenDetail(Meters.Meter meter, MeterEvent coverOpen)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("eventCode", coverOpen.Code);
            json.WriteString("occurredAt", coverOpen.OccurredAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("systemTitle", meter.SystemTitle.ToString());
            json.WriteNumber("keyGeneration", meter.KeyGeneration);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private void Publish(List<IntervalReading> readings, List<BillingSnapshot> snapshots, List<MeterEvent> events)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        // Each record is made once and handed to every subscriber (records are immutable): one allocation per record,
        // not one per record and subscriber.
        foreach (var e in events)
        {
            PublishToAll(subscribers, new IngestedEvent(e));
        }

        foreach (var s in snapshots)
        {
            PublishToAll(subscribers, new IngestedBillingSnapshot(s));
        }

        foreach (var r in readings)
        {
            PublishToAll(subscribers, new IngestedReading(r));
        }
    }

    private static void PublishToAll(IngestSubscription[] subscribers, IngestedRecord record)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Publish(record);
        }
    }

    private void FailQueued()
    {
        while (TryTakeNext(out var item))
        {
            item.Frame.Complete(FrameOutcome.Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest: the store refused a batch of {Frames} frames; nothing of it is acknowledged as committed, and it is tried again with back-off (at most {Attempts} attempts)")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int frames, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest: the store took a batch of {Frames} frames again after failed attempts")]
    private static partial void LogWriteRecovered(ILogger logger, int frames);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest: a batch of {Frames} frames was given up after {Attempts} failed attempts; its meters resend or back-fill fetches it")]
    private static partial void LogAbandoned(ILogger logger, int frames, int attempts);
}
