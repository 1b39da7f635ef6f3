using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// Power quality alerts as a node loop: after each round of committed records from the ingest feed it evaluates the
/// meters the round touched with the <see cref="PowerQualityRule"/> over their last
/// <see cref="PowerQualityOptions.Lookback"/> (from the held windows, docs/ingest.md "Held windows", or the store), and raises what it finds through the
/// <see cref="AlertService"/> (re-evaluating the same data changes nothing: alerts dedupe). When the feed dropped
/// records, or too many meters wait, it evaluates every meter with block voltages from the store instead.
/// </summary>
public sealed class PowerQualityMonitor : IDisposable
{
    private readonly IngestFollower _follower;
    private readonly IReadingStore _readings;
    private readonly AlertService _alerts;
    private readonly PowerQualityOptions _options;
    private readonly TimeProvider _time;
    private readonly PowerQualityRule _rule;
    private readonly Dictionary<MeterId, DateTimeOffset> _pending = [];
    private readonly Dictionary<MeterId, DateTimeOffset> _frequencyEvaluated = [];
    private readonly HeldWindows? _windows;

    public PowerQualityMonitor(IngestPipeline pipeline, IReadingStore readings, AlertService alerts, PowerQualityOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(alerts);
        _options = options ?? new PowerQualityOptions();
        _options.Validate();
        _readings = readings;
        _alerts = alerts;
        _time = time ?? TimeProvider.System;
        _rule = new PowerQualityRule(_options);
        _windows = _options.WindowMemoryBudget > 0 ? new HeldWindows(_options.WindowMemoryBudget, PowerQualityReports.MaxReadingsPerMeter, 10_000, PowerQualityAnalyzer.Quantities) : null;
        _follower = new IngestFollower(pipeline, _options.MaxRecordsPerRound, time: _time);
    }

    /// <summary>Meters evaluated, alerts opened, failures.</summary>
    public AnalyticsMetrics Metrics { get; } = new();

    /// <summary>What the follower did: rounds, rounds over meters whose records the feed lost, full passes.</summary>
    public IngestFollowerMetrics Follower => _follower.Metrics;

    /// <summary>The live rounds' held windows (docs/ingest.md "Held windows"); null when <see cref="PowerQualityOptions.WindowMemoryBudget"/> is 0.</summary>
    public HeldWindowsMetrics? Windows => _windows?.Metrics;

    /// <summary>Notes meters whose readings or events were stored other than through the ingest feed: their held windows are dropped before the next round. Thread-safe.</summary>
    public void NoteWrittenElsewhere(IEnumerable<MeterId> meters) => _windows?.NoteWrittenElsewhere(meters);

    /// <summary>
    /// Follows the feed (<see cref="IngestFollower"/>): the meters each round touched, those whose records the feed lost
    /// included; every meter only when the feed could not name what it lost or too many meters wait.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _follower.RunAsync(Note, NoteLost, EvaluatePendingAsync, ct =>
        {
            _pending.Clear();
            _windows?.Clear();
            return EvaluateAllAsync(ct);
        }, cancellationToken);

    /// <summary>Evaluates every meter with block voltages in the store, each over its last look-back.</summary>
    public async Task EvaluateAllAsync(CancellationToken cancellationToken = default)
    {
        Metrics.OnFullPass();
        var latest = await _readings.GetLatestIntervalTimesAsync(Quantity.BlockAverageVoltage, cancellationToken).ConfigureAwait(false);
        await EvaluateGroupsAsync(latest.Select(l => (l.Key, l.Value)), held: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates the meters whose newest frequency reading is newer than when this last looked (the scheduled reads
    /// store frequency directly, not through the ingest feed). The memory of what was seen is bounded by
    /// <see cref="PowerQualityOptions.MaxPendingMeters"/>: past it, it starts over (re-evaluating changes nothing).
    /// </summary>
    public async Task EvaluateFrequencyAsync(CancellationToken cancellationToken = default)
    {
        var latest = await _readings.GetLatestIntervalTimesAsync(Quantity.Frequency, cancellationToken).ConfigureAwait(false);
        if (_frequencyEvaluated.Count > _options.MaxPendingMeters)
        {
            _frequencyEvaluated.Clear();
        }

        var due = latest.Where(l => !_frequencyEvaluated.TryGetValue(l.Key, out var seen) || seen < l.Value).Select(l => (l.Key, l.Value)).ToList();
        await EvaluateGroupsAsync(due, held: false, cancellationToken).ConfigureAwait(false);
        foreach (var (meter, end) in due)
        {
            _frequencyEvaluated[meter] = end;
        }
    }

    public void Dispose() => _follower.Dispose();

    private bool Note(IngestedRecord record)
    {
        _windows?.Apply(record);
        if (record is IngestedReading or IngestedEvent)
        {
            Touch(record.Meter, record.At);
        }

        return _pending.Count <= _options.MaxPendingMeters;
    }

    /// <summary>A meter whose records the feed lost: evaluated up to the newest of them, as if they had been noted.</summary>
    private bool NoteLost(LostMeter lost)
    {
        _windows?.NoteLost(lost);
        Touch(lost.Meter, lost.Last);
        return _pending.Count <= _options.MaxPendingMeters;
    }

    private void Touch(MeterId meter, DateTimeOffset time)
    {
        if (!_pending.TryGetValue(meter, out var latest) || time > latest)
        {
            _pending[meter] = time;
        }
    }

    private async Task EvaluatePendingAsync(CancellationToken cancellationToken)
    {
        _windows?.TakeWrittenElsewhere();
        await EvaluateGroupsAsync(_pending.Select(p => (p.Key, p.Value)), held: true, cancellationToken).ConfigureAwait(false);
        _pending.Clear();
    }

    /// <param name="meters">The meters and their window ends.</param>
    /// <param name="held">Whether the windows may come from the held windows (the live rounds; not the full pass nor the frequency evaluation, which run from the store).</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    private async Task EvaluateGroupsAsync(IEnumerable<(MeterId Meter, DateTimeOffset End)> meters, bool held, CancellationToken cancellationToken)
    {
        // One store read of readings and one of events per group of meters (not per meter); each meter's own window is cut from it.
        foreach (var group in MeterGroups.ByEnd(meters, MeterGroups.Spread))
        {
            var from = group.Min(g => g.End) - _options.Lookback;
            var to = group.Max(g => g.End) + TimeSpan.FromTicks(1);
            IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>> readings;
            IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>> events;
            try
            {
                var ids = group.Select(g => g.Meter).ToList();
                if (held && _windows is not null)
                {
                    (readings, events) = await _windows.ReadAsync(_readings, ids, from, to, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    readings = await _readings.GetReadingsOfMetersAsync(ids, from, to, PowerQualityAnalyzer.Quantities, PowerQualityReports.MaxReadingsPerMeter, cancellationToken).ConfigureAwait(false);
                    events = await _readings.GetEventsOfMetersAsync(ids, from, to, 10_000, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Metrics.OnFailure(e);
                continue;
            }

            foreach (var (meter, end) in group)
            {
                var meterFrom = end - _options.Lookback;
                var meterTo = end + TimeSpan.FromTicks(1);
                if (held)
                {
                    _windows?.Trim(meter, meterFrom - MeterGroups.Spread);
                }

                await EvaluateAsync(
                    meter,
                    MeterGroups.Within(readings.GetValueOrDefault(meter), meterFrom, meterTo).ToList(),
                    MeterGroups.Within(events.GetValueOrDefault(meter), meterFrom, meterTo),
                    cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task EvaluateAsync(MeterId meter, List<IntervalReading> readings, List<MeterEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            Metrics.OnWindow();
            foreach (var finding in _rule.Evaluate(new MeterWindow(meter, _time.GetUtcNow(), readings, events)).OrderBy(f => f.To))
            {
                Metrics.OnFinding();
                if ((await _alerts.RaiseAsync(finding, cancellationToken).ConfigureAwait(false)).Outcome == AlertRaiseOutcome.Opened)
                {
                    Metrics.OnOpened();
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
        }
    }
}
