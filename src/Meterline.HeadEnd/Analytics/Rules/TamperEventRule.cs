using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// The meter's own tamper events become alerts: one finding per occurrence, with the restoration that ended it (and so
/// its duration) when the window holds it, and the instantaneous values the meter captured. One alert per meter and
/// event kind: later occurrences extend it. Confidence 0.9 — the meter saw it, but sensors misfire.
/// </summary>
public sealed class TamperEventRule(TamperEventOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "tamper-event";

    private readonly TamperEventOptions _options = options ?? new TamperEventOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => [];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var findings = new List<Finding>();
        var events = window.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var occurrence = events[i];
            var mapping = _options.Events.FirstOrDefault(m => m.OccurrenceCode == occurrence.Code);
            if (mapping is null)
            {
                continue;
            }

            MeterEvent? restoration = null;
            if (mapping.RestorationCode is { } restorationCode)
            {
                for (var j = i + 1; j < events.Count; j++)
                {
                    if (events[j].Code == mapping.OccurrenceCode)
                    {
                        break;
                    }

                    if (events[j].Code == restorationCode)
                    {
                        restoration = events[j];
                        break;
                    }
                }
            }

            var evidence = new List<EvidenceItem> { Event(occurrence, mapping.Name + ", occurrence") };
            evidence.AddRange(occurrence.Values.Take(16).Select(v => new EvidenceItem(occurrence.OccurredAt, EvidenceItem.Reading, v.Quantity.Name, v.Value, v.Quantity.Unit)));
            string summary;
            if (restoration is not null)
            {
                var duration = restoration.OccurredAt - occurrence.OccurredAt;
                evidence.Add(Event(restoration, mapping.Name + ", restoration"));
                evidence.Add(new EvidenceItem(restoration.OccurredAt, EvidenceItem.Computed, "duration", duration.TotalSeconds, "s"));
                summary = string.Create(CultureInfo.InvariantCulture, $"The meter reported {mapping.Name} from {occurrence.OccurredAt:u} for {Describe(duration)}.");
            }
            else
            {
                summary = string.Create(CultureInfo.InvariantCulture, $"The meter reported {mapping.Name} at {occurrence.OccurredAt:u}{(mapping.RestorationCode is null ? "." : ", not yet restored.")}");
            }

            findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Tamper, mapping.Severity, 0.9, summary, occurrence.OccurredAt,
                restoration?.OccurredAt ?? occurrence.OccurredAt, evidence, mapping.OccurrenceCode.ToString(CultureInfo.InvariantCulture)));
        }

        return findings;
    }

    private static EvidenceItem Event(MeterEvent e, string name) =>
        new(e.OccurredAt, EvidenceItem.Event, string.Create(CultureInfo.InvariantCulture, $"{e.Code} {name}"), e.Code);

    private static string Describe(TimeSpan duration) =>
        duration.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0.#} h") : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0} min");
}
