using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// Runs the rules: a node loop that takes committed records from the ingest pipeline's feed (a bounded subscription
/// that drops its oldest records rather than slow ingest), and after each round evaluates the meters the round touched
/// with the live rules over a window from the store (held in memory between rounds and kept up from the feed,
/// <see cref="HeldWindows"/>, when <see cref="AnalyticsOptions.WindowMemoryBudget"/> allows). A full pass evaluates every meter with every rule (the
/// baseline rules included) at start, every <see cref="AnalyticsOptions.FullPassPeriod"/>, and whenever the feed
/// dropped records or too many meters wait — so falling behind is caught up from the store, never from memory.
/// </summary>
public sealed class AnalyticsService : IDisposable
{
    /// <summary>Events read per meter and window (the store's most).</summary>
    private const int MaxEventsPerWindow = 10_000;

    private readonly IngestFollower _follower;
    private readonly IReadingStore _readings;
    private readonly MeterDirectory _directory;
    private readonly AlertService _alerts;
    private readonly AnalyticsOptions _options;
    private readonly TimeProvider _time;
    private readonly IAnalyticsRule[] _rules;
    private readonly EnergyBalanceService? _balances;
    private readonly Dictionary<MeterId, PendingMeter> _pending = [];
    private readonly HeldWindows? _windows;

    public AnalyticsService(IngestPipeline pipeline, IReadingStore readings, AlertService alerts, AnalyticsOptions? options = null, TimeProvider? time = null, EnergyBalanceService? balances = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(alerts);
        _options = options ?? new AnalyticsOptions();
        _options.Validate();
        _readings = readings;
        _directory = pipeline.Directory;
        _alerts = alerts;
        _time = time ?? TimeProvider.System;
        _rules = [.. _options.CreateRules()];
        _balances = _options.EnergyBalance.Alerts ? balances : null;
        _windows = _options.WindowMemoryBudget > 0 ? new HeldWindows(_options.WindowMemoryBudget, _options.MaxReadingsPerWindow, MaxEventsPerWindow) : null;

        // Subscribed at construction, so that nothing committed between the node's start and the loop's is missed.
        _follower = new IngestFollower(pipeline, _options.MaxRecordsPerRound, _options.FullPassPeriod, fullPassAtStart: true, _time);
    }

    public AnalyticsMetrics Metrics { get; } = new();

    public IReadOnlyList<IAnalyticsRule> Rules => _rules;

    /// <summary>The live rounds' held windows (hits, misses, evictions, bytes held); null when <see cref="AnalyticsOptions.WindowMemoryBudget"/> is 0.</summary>
    public HeldWindowsMetrics? Windows => _windows?.Metrics;

    /// <summary>What the follower did: rounds, rounds over meters whose records the feed lost, full passes.</summary>
    public IngestFollowerMetrics Follower => _follower.Metrics;

    /// <summary>
    /// Follows the feed (<see cref="IngestFollower"/>): a full pass at the start and every
    /// <see cref="AnalyticsOptions.FullPassPeriod"/>, else the meters each round touched, those whose records the feed
    /// lost included (a full pass only when the feed could not name them or too many meters wait).
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _follower.RunAsync(Note, NoteLost, EvaluatePendingAsync, ct =>
        {
            _pending.Clear();
            return FullPassAsync(ct);
        }, cancellationToken);

    /// <summary>Evaluates every meter that has interval data (or events within the live rules' look-back) with every rule (also what a caller runs to catch up at once).</summary>
    public async Task FullPassAsync(CancellationToken cancellationToken = default)
    {
        Metrics.OnFullPass();

        // The full pass is the catch-up from the store: the held windows start again from it.
        _windows?.Clear();
        var latest = await _readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();

        // Each meter's window ends at its newest data (a meter's clock, or a simulated fleet's, need not be the head-end's).
        var ends = new Dictionary<MeterId, DateTimeOffset>(latest);
        var eventLookback = _rules.Where(r => !r.IsPeriodic).Max(r => r.Lookback);
        foreach (var meterEvent in await _readings.GetEventsAsync(null, now - eventLookback, now + TimeSpan.FromDays(1), 10_000, cancellationToken).ConfigureAwait(false))
        {
            if (!ends.TryGetValue(meterEvent.Meter, out var end) || meterEvent.OccurredAt > end)
            {
                ends[meterEvent.Meter] = meterEvent.OccurredAt;
            }
        }

        foreach (var group in MeterGroups.ByEnd(ends.Select(e => (e.Key, e.Value)), MeterGroups.Spread))
        {
            await EvaluateGroupAsync(group, _rules, withArrivals: false, cancellationToken).ConfigureAwait(false);
        }

        await EvaluateBalancesAsync(latest, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _follower.Dispose();

    /// <summary>
    /// Notes meters whose readings or events were stored other than through the ingest feed (back-fill, on-demand reads):
    /// their held windows are dropped before the next round, which reads them from the store. Thread-safe.
    /// </summary>
    public void NoteWrittenElsewhere(IEnumerable<MeterId> meters) => _windows?.NoteWrittenElsewhere(meters);

    /// <summary>Notes one record's meter and time; false when more meters wait than <see cref="AnalyticsOptions.MaxPendingMeters"/>.</summary>
    private bool Note(IngestedRecord record)
    {
        _windows?.Apply(record);
        if (!_pending.TryGetValue(record.Meter, out var pending))
        {
            _pending[record.Meter] = pending = new PendingMeter();
        }

        switch (record)
        {
            case IngestedReading { Reading: var reading }:
                pending.Touch(reading.Time);
                if (reading.Quantity == Quantity.BlockImportEnergy && (reading.Quality & ReadingQuality.BackFilled) == 0 && pending.Arrivals.Count < _options.MaxArrivalsPerMeter)
                {
                    pending.Arrivals.Add(reading.Time);
                }

                break;
            case IngestedEvent { Event: var meterEvent }:
                pending.Touch(meterEvent.OccurredAt);
                break;
            case IngestedBillingSnapshot { Snapshot: var snapshot }:
                pending.Touch(snapshot.CapturedAt);
                break;
        }

        return _pending.Count <= _options.MaxPendingMeters;
    }

    /// <summary>
    /// Notes a meter whose records the feed lost: its window ends at the newest of them, read from the store like any
    /// other; their arrival times are not known, so the arrival rules see none of them (as in a full pass).
    /// </summary>
    private bool NoteLost(LostMeter lost)
    {
        _windows?.NoteLost(lost);
        if (!_pending.TryGetValue(lost.Meter, out var pending))
        {
            _pending[lost.Meter] = pending = new PendingMeter();
        }

        pending.Touch(lost.Last);
        return _pending.Count <= _options.MaxPendingMeters;
    }

    private async Task EvaluatePendingAsync(CancellationToken cancellationToken)
    {
        var live = _rules.Where(r => !r.IsPeriodic).ToArray();
        _windows?.TakeWrittenElsewhere();
        var now = _time.GetUtcNow();
        var ends = _pending.Select(p => (p.Key, p.Value.Latest == DateTimeOffset.MinValue ? now : p.Value.Latest));
        foreach (var group in MeterGroups.ByEnd(ends, MeterGroups.Spread))
        {
            await EvaluateGroupAsync(group, live, withArrivals: true, cancellationToken).ConfigureAwait(false);
        }

        _pending.Clear();
    }

    /// <summary>
    /// A group of meters' windows read in one store read per part (not per meter) and evaluated meter by meter: the live
    /// rules' span is read whole; a longer look-back (the periodic rules') only for the quantities they read.
    /// </summary>
    private async Task EvaluateGroupAsync(List<(MeterId Meter, DateTimeOffset End)> group, IReadOnlyList<IAnalyticsRule> rules, bool withArrivals, CancellationToken cancellationToken)
    {
        var live = rules.Where(r => !r.IsPeriodic).Select(r => r.Lookback).DefaultIfEmpty(TimeSpan.Zero).Max();
        var lookback = rules.Count == 0 ? TimeSpan.Zero : rules.Max(r => r.Lookback);
        var wanted = lookback <= live || rules.Where(r => r.Lookback > live).Any(r => r.Quantities.Count == 0)
            ? null
            : rules.Where(r => r.Lookback > live).SelectMany(r => r.Quantities).Distinct().ToList();
        var first = group.Min(g => g.End);
        var last = group.Max(g => g.End);
        var meters = group.Select(g => g.Meter).ToList();
        IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>> older = new Dictionary<MeterId, IReadOnlyList<IntervalReading>>();
        IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>> recent;
        IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>> events;
        try
        {
            if (lookback > live)
            {
                older = await _readings.GetReadingsOfMetersAsync(meters, first - lookback, last - live, wanted ?? [], _options.MaxReadingsPerWindow, cancellationToken).ConfigureAwait(false);
            }

            if (withArrivals && _windows is not null && lookback <= live)
            {
                (recent, events) = await _windows.ReadAsync(_readings, meters, first - live, last + TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                recent = await _readings.GetReadingsOfMetersAsync(meters, first - live, last + TimeSpan.FromDays(1), [], _options.MaxReadingsPerWindow, cancellationToken).ConfigureAwait(false);
                events = await _readings.GetEventsOfMetersAsync(meters, first - lookback, last + TimeSpan.FromDays(1), MaxEventsPerWindow, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.OnFailure(e);
            return;
        }

        foreach (var (meter, end) in group)
        {
            var from = end - lookback;
            var to = end + TimeSpan.FromDays(1);
            var readings = new List<IntervalReading>();
            if (lookback > live)
            {
                readings.AddRange(MeterGroups.Within(older.GetValueOrDefault(meter), from, end - live, wanted).Take(_options.MaxReadingsPerWindow));
            }

            readings.AddRange(MeterGroups.Within(recent.GetValueOrDefault(meter), end - live, to).Take(Math.Max(0, _options.MaxReadingsPerWindow - readings.Count)));
            IReadOnlyList<DateTimeOffset> arrivals = withArrivals && _pending.TryGetValue(meter, out var pending) ? pending.Arrivals : [];
            _windows?.Trim(meter, end - live - MeterGroups.Spread);
            await EvaluateAsync(meter, readings, MeterGroups.Within(events.GetValueOrDefault(meter), from, to), arrivals, rules, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every transformer's balance over its window (<see cref="EnergyBalanceOptions"/>), its <c>energy-balance</c> findings raised.</summary>
    private async Task EvaluateBalancesAsync(IReadOnlyDictionary<MeterId, DateTimeOffset> latest, CancellationToken cancellationToken)
    {
        if (_balances is null)
        {
            return;
        }

        try
        {
            foreach (var finding in await _balances.FindingsAsync(latest, Metrics.OnFailure, cancellationToken).ConfigureAwait(false))
            {
                Metrics.OnFinding();
                var result = await _alerts.RaiseAsync(finding, cancellationToken).ConfigureAwait(false);
                if (result.Outcome == AlertRaiseOutcome.Opened)
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

    private async Task EvaluateAsync(MeterId meter, List<IntervalReading> readings, List<MeterEvent> events, IReadOnlyList<DateTimeOffset> arrivals, IReadOnlyList<IAnalyticsRule> rules, CancellationToken cancellationToken)
    {
        try
        {
            var netMetered = _directory.TryGet(meter, out var known) && _options.NetMeteredSerials.Contains(known.Serial);
            var window = new MeterWindow(meter, _time.GetUtcNow(), readings, events, arrivals, netMetered);
            Metrics.OnWindow();
            var findings = new List<Finding>();
            foreach (var rule in rules)
            {
                findings.AddRange(rule.Evaluate(window));
            }

            findings.Sort(static (a, b) => a.To.CompareTo(b.To));
            foreach (var finding in findings)
            {
                Metrics.OnFinding();
                var result = await _alerts.RaiseAsync(finding, cancellationToken).ConfigureAwait(false);
                if (result.Outcome == AlertRaiseOutcome.Opened)
                {
                    Metrics.OnOpened();
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One meter's failure (a store error, a rule that threw) does not stop the others; counted and kept for status.
            Metrics.OnFailure(e);
        }
    }
}
