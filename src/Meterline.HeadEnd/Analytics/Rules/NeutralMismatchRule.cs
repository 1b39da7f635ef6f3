using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// Neutral current differing from phase current: on a single-phase meter both carry the same current unless some of
/// the load returns through earth (neutral bypass) or the phase is partly bypassed. Fires on a run of
/// <see cref="NeutralMismatchOptions.SustainedIntervals"/> paired values where both the absolute and the relative
/// difference reach their thresholds.
/// </summary>
public sealed class NeutralMismatchRule(NeutralMismatchOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "neutral-mismatch";

    private readonly NeutralMismatchOptions _options = options ?? new NeutralMismatchOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => [Quantity.PhaseCurrent, Quantity.NeutralCurrent];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var pairs = new List<(DateTimeOffset Time, double Phase, double Neutral)>();
        foreach (var phase in window.Series(Quantity.PhaseCurrent))
        {
            if (window.TryGet(Quantity.NeutralCurrent, phase.Time, out var neutral))
            {
                pairs.Add((phase.Time, phase.Value, neutral));
            }
        }

        var findings = new List<Finding>();
        foreach (var (start, end) in Runs.Find(pairs.Count, i => Differs(pairs[i].Phase, pairs[i].Neutral), _options.SustainedIntervals))
        {
            var evidence = new List<EvidenceItem>();
            var worst = 0.0;
            for (var i = Math.Max(start, end - ((Finding.MaxEvidence / 2) - 2)); i <= end; i++)
            {
                var (time, phase, neutral) = pairs[i];
                evidence.Add(new EvidenceItem(time, EvidenceItem.Reading, Quantity.PhaseCurrent.Name, phase, "A"));
                evidence.Add(new EvidenceItem(time, EvidenceItem.Reading, Quantity.NeutralCurrent.Name, neutral, "A"));
            }

            for (var i = start; i <= end; i++)
            {
                worst = Math.Max(worst, Ratio(pairs[i].Phase, pairs[i].Neutral));
            }

            evidence.Add(new EvidenceItem(pairs[end].Time, EvidenceItem.Computed, "largest relative difference", worst));
            var confidence = Runs.Confidence(((worst / _options.MinimumRatio) - 1) + ((end - start + 1.0) / _options.SustainedIntervals) - 1);
            findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Warning, confidence,
                string.Create(CultureInfo.InvariantCulture, $"Neutral and phase current differed by up to {worst:P0} for {end - start + 1} readings in a row."),
                pairs[start].Time, pairs[end].Time, evidence));
        }

        return findings;
    }

    private bool Differs(double phase, double neutral) => Math.Abs(neutral - phase) >= _options.MinimumDifference && Ratio(phase, neutral) >= _options.MinimumRatio;

    private static double Ratio(double phase, double neutral)
    {
        var larger = Math.Max(Math.Abs(phase), Math.Abs(neutral));
        return larger == 0 ? 0 : Math.Abs(neutral - phase) / larger;
    }
}
