using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// The meter's clock moving backwards or jumping, seen in its interval timestamps: an interval committed after a later
/// one (backwards; only visible in the live feed's commit order), an interval stamped in the head-end's future, or an
/// interval off the block grid (a jump by a fraction of the period). Back-filled intervals arrive late by design and
/// are not in the commit order the service gives.
/// </summary>
public sealed class ClockAnomalyRule(ClockAnomalyOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "clock-anomaly";

    private readonly ClockAnomalyOptions _options = options ?? new ClockAnomalyOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => [Quantity.BlockImportEnergy];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var findings = new List<Finding>();
        var arrivals = window.ArrivalOrder;
        var latest = DateTimeOffset.MinValue;
        foreach (var time in arrivals)
        {
            if (time < latest - _options.BackwardsTolerance)
            {
                findings.Add(Found(window, "backwards", AlertSeverity.Critical, 0.9, latest, time,
                    string.Create(CultureInfo.InvariantCulture, $"The meter sent an interval of {time:u} after one of {latest:u}: its clock went back {Describe(latest - time)}."),
                    new EvidenceItem(latest, EvidenceItem.Reading, "interval committed before", null),
                    new EvidenceItem(time, EvidenceItem.Reading, "interval committed after", null),
                    new EvidenceItem(time, EvidenceItem.Computed, "backwards by", (latest - time).TotalSeconds, "s")));
            }

            latest = time > latest ? time : latest;
        }

        var times = window.Series(Quantity.BlockImportEnergy);
        var future = _options.FutureTolerance is { } tolerance ? times.Where(p => p.Time > window.EvaluatedAt + tolerance).ToList() : [];
        if (future.Count > 0)
        {
            var last = future[^1].Time;
            findings.Add(Found(window, "ahead", AlertSeverity.Warning, 0.8, future[0].Time, last,
                string.Create(CultureInfo.InvariantCulture, $"{future.Count} intervals are stamped up to {Describe(last - window.EvaluatedAt)} after the head-end's clock."),
                [.. future.TakeLast(Finding.MaxEvidence - 1).Select(p => new EvidenceItem(p.Time, EvidenceItem.Reading, "interval stamped ahead", null)),
                 new EvidenceItem(window.EvaluatedAt, EvidenceItem.Computed, "head-end clock", null)]));
        }

        if (_options.Interval > TimeSpan.Zero)
        {
            var off = times.Where(p => p.Time.UtcTicks % _options.Interval.Ticks != 0).ToList();
            if (off.Count > 0)
            {
                findings.Add(Found(window, "off-grid", AlertSeverity.Warning, 0.7, off[0].Time, off[^1].Time,
                    string.Create(CultureInfo.InvariantCulture, $"{off.Count} intervals are stamped off the {_options.Interval.TotalMinutes:0}-minute grid: the clock jumped."),
                    [.. off.TakeLast(Finding.MaxEvidence).Select(p => new EvidenceItem(p.Time, EvidenceItem.Reading, "interval off the grid", null))]));
            }
        }

        return findings;
    }

    private static Finding Found(MeterWindow window, string kind, AlertSeverity severity, double confidence, DateTimeOffset from, DateTimeOffset to, string summary, params EvidenceItem[] evidence) =>
        new(window.Meter, RuleId, AlertCategory.Integrity, severity, confidence, summary, from < to ? from : to, from < to ? to : from, evidence, kind);

    private static string Describe(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
