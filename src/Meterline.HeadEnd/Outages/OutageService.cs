using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>
/// Outage detection as a node loop: it turns committed records from the ingest feed into <see cref="PowerSignal"/>s
/// (event 101 a last gasp, 102 a restoration, anything else from a meter that it was heard), looks every
/// <see cref="OutageOptions.SweepPeriod"/> for meters silent for too long, groups the losses with an
/// <see cref="OutageDetector"/>, stores each outage and raises it as an alert, and on restoration stores the end,
/// extends the alert with it and closes the alert. Open outages are loaded from the store at start.
/// </summary>
public sealed class OutageService : IDisposable
{
    /// <summary>The actor of the alert changes the service makes.</summary>
    public const string Actor = "outages";

    private readonly IngestFollower _follower;
    private readonly List<IngestedRecord> _taken = [];
    private readonly MeterDirectory _directory;
    private readonly IMeterRepository _meters;
    private readonly IOutageStore _store;
    private readonly AlertService _alerts;
    private readonly OutageOptions _options;
    private readonly TimeProvider _time;
    private readonly OutageDetector _detector;
    private readonly Dictionary<MeterId, DateTimeOffset> _lastHeard = [];
    private OutageTopology _topology = OutageTopology.Empty;
    private DateTimeOffset _topologyAt = DateTimeOffset.MinValue;
    private DateTimeOffset _watchingSince;

    public OutageService(IngestPipeline pipeline, IMeterRepository meters, IOutageStore store, AlertService alerts, OutageOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(alerts);
        _options = options ?? new OutageOptions();
        _options.Validate();
        _meters = meters;
        _store = store;
        _alerts = alerts;
        _time = time ?? TimeProvider.System;
        _detector = new OutageDetector(_options);
        _directory = pipeline.Directory;

        // Subscribed at construction, so that nothing committed between the node's start and the loop's is missed.
        _follower = new IngestFollower(pipeline, _options.MaxRecordsPerRound, _options.SweepPeriod, fullPassAtStart: false, _time);
    }

    public OutageMetrics Metrics { get; } = new();

    /// <summary>What the follower did: rounds and full passes (a loss of the feed means a sweep: a lost record's content, a last gasp say, is not known from its meter).</summary>
    public IngestFollowerMetrics Follower => _follower.Metrics;

    /// <summary>
    /// Follows the feed (<see cref="IngestFollower"/>): each round observes the records it took; every
    /// <see cref="OutageOptions.SweepPeriod"/>, and at once after the feed lost records (silence then finds what was
    /// lost), a sweep observes what is left of the round, then looks for silent meters and records the groups due.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _watchingSince = _time.GetUtcNow();
        try
        {
            foreach (var open in await _store.ListAsync(new OutageFilter(OutageState.Open), null, 10_000, cancellationToken).ConfigureAwait(false))
            {
                _detector.Track(open);
            }

            await RefreshTopologyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        await _follower.RunAsync(Note, DrainAsync, async ct =>
        {
            await DrainAsync(ct).ConfigureAwait(false);
            await SweepAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refreshes the topology when due, finds silent meters, and records the groups whose window has passed.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (now - _topologyAt >= _options.TopologyRefreshPeriod)
        {
            await RefreshTopologyAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_options.SilentPeriods > 0)
        {
            var limit = _options.BlockPeriod * _options.SilentPeriods;
            var silent = _lastHeard.Where(h => now - (h.Value > _watchingSince ? h.Value : _watchingSince) > limit && !_detector.IsOff(h.Key)).OrderBy(h => h.Key).ToList();
            foreach (var (meter, heard) in silent)
            {
                await ObserveAsync(new PowerSignal(meter, heard, now, PowerSignalSource.Silence), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var group in _detector.TakeGroups(now, _topology))
        {
            await RecordAsync(group, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _follower.Dispose();

    /// <summary>Holds a record for the round (at most <see cref="OutageOptions.MaxRecordsPerRound"/>: the follower's bound per round).</summary>
    private bool Note(IngestedRecord record)
    {
        _taken.Add(record);
        return true;
    }

    /// <summary>Observes the records the round took, in their order, as the head-end heard them now.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var records = _taken.ToArray();
        _taken.Clear();
        foreach (var record in records)
        {
            _lastHeard[record.Meter] = now;
            var signal = record switch
            {
                IngestedEvent { Event: { Code: PowerEvents.PowerFailure } e } => new PowerSignal(e.Meter, e.OccurredAt, now, PowerSignalSource.LastGasp),
                IngestedEvent { Event: { Code: PowerEvents.PowerRestoration } e } => new PowerSignal(e.Meter, e.OccurredAt, now, PowerSignalSource.Restoration),
                IngestedEvent { Event: var e } when _detector.IsOff(e.Meter) => new PowerSignal(e.Meter, e.OccurredAt, now, PowerSignalSource.Heard),
                IngestedReading { Reading: var r } when _detector.IsOff(r.Meter) => new PowerSignal(r.Meter, r.Time, now, PowerSignalSource.Heard),
                IngestedBillingSnapshot { Snapshot: var s } when _detector.IsOff(s.Meter) => new PowerSignal(s.Meter, s.CapturedAt, now, PowerSignalSource.Heard),
                _ => null,
            };
            if (signal is not null)
            {
                await ObserveAsync(signal, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ObserveAsync(PowerSignal signal, CancellationToken cancellationToken)
    {
        if (signal.IsLoss && !_detector.IsOff(signal.Meter))
        {
            Metrics.OnLoss();
            if (IsStale(signal.Meter))
            {
                // Registered or moved since the last refresh (the directory is kept current by the registry): read the network again.
                await RefreshTopologyAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_detector.Observe(signal, _topology) is not { } changed)
        {
            return;
        }

        try
        {
            await _store.UpdateAsync(changed, cancellationToken).ConfigureAwait(false);
            if (changed.State == OutageState.Restored)
            {
                Metrics.OnRestored();
                await CloseAlertAsync(changed, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
        }
    }

    private async Task RecordAsync(OutageGroup group, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var restored = group.Meters.All(m => m.RestoredAt is not null);
            var outage = new Outage(default, group.Scope, group.ScopeId, group.FeederId, OutageState.Open, group.Meters.Min(m => m.LostAt), null, now, group.Meters);

            // The alert first, so that the outage is stored with it (a reader never sees one without its alert).
            var raised = await _alerts.RaiseAsync(OutageFindings.Create(outage, SerialOf), cancellationToken).ConfigureAwait(false);
            outage = await _store.AddAsync(
                outage with { State = restored ? OutageState.Restored : OutageState.Open, RestoredAt = restored ? group.Meters.Max(m => m.RestoredAt) : null, Alert = raised.Alert?.Id },
                cancellationToken).ConfigureAwait(false);
            Metrics.OnRecorded();
            if (restored)
            {
                Metrics.OnRestored();
                await CloseAlertAsync(outage, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _detector.Track(outage);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not recorded: the meters are let go, so that silence (or their next last gasp) finds them again.
            _detector.Release(group);
            Metrics.OnFailure(e);
        }
    }

    /// <summary>Extends the outage's alert with its restoration (evidence and duration), then closes it.</summary>
    private async Task CloseAlertAsync(Outage outage, CancellationToken cancellationToken)
    {
        if (outage.Alert is not { } alert)
        {
            return;
        }

        await _alerts.RaiseAsync(OutageFindings.Create(outage, SerialOf), cancellationToken).ConfigureAwait(false);
        await _alerts.CloseAsync(alert, Actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the directory places the meter elsewhere than the topology does.</summary>
    private bool IsStale(MeterId meter)
    {
        if (!_directory.TryGet(meter, out var current))
        {
            return false;
        }

        var known = _topology.Find(meter);
        return known is null
            || !string.Equals(known.TransformerId, current.TransformerId, StringComparison.Ordinal)
            || !string.Equals(known.FeederId, current.FeederId, StringComparison.Ordinal);
    }

    private string SerialOf(MeterId meter) => _topology.Find(meter)?.Serial ?? meter.ToString();

    /// <summary>Reads the network again from the registry; on a failure (counted) the previous one stays.</summary>
    private async Task RefreshTopologyAsync(CancellationToken cancellationToken)
    {
        var places = new List<MeterPlace>();
        var heard = new List<(MeterId Meter, DateTimeOffset At)>();
        try
        {
            await foreach (var meter in _meters.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                places.Add(new MeterPlace(meter.Id, meter.Serial, meter.TransformerId, meter.FeederId));
                if (meter.LastHeardAt is { } at)
                {
                    heard.Add((meter.Id, at));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
            return;
        }

        foreach (var (meter, at) in heard)
        {
            if (!_lastHeard.TryGetValue(meter, out var known) || at > known)
            {
                _lastHeard[meter] = at;
            }
        }

        _topology = new OutageTopology(places);
        _topologyAt = _time.GetUtcNow();
    }
}
