using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// A magnet event followed by low consumption: the magnet saturated the meter's current sensor. Compares the mean block
/// import in <see cref="MagnetLowConsumptionOptions.After"/> after the event with the mean in
/// <see cref="MagnetLowConsumptionOptions.Before"/> before it; fires when it fell below the drop ratio.
/// </summary>
public sealed class MagnetLowConsumptionRule(MagnetLowConsumptionOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "magnet-low-consumption";

    private readonly MagnetLowConsumptionOptions _options = options ?? new MagnetLowConsumptionOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Before + _options.After;

    public IReadOnlyList<Quantity> Quantities => [Quantity.BlockImportEnergy];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var import = window.Series(Quantity.BlockImportEnergy);
        var findings = new List<Finding>();
        foreach (var magnet in window.Events.Where(e => e.Code == _options.MagnetCode))
        {
            var t = magnet.OccurredAt;
            var before = import.Where(p => p.Time > t - _options.Before && p.Time <= t).ToList();
            var after = import.Where(p => p.Time > t && p.Time <= t + _options.After).ToList();
            if (before.Count < _options.MinimumIntervals || after.Count < _options.MinimumIntervals)
            {
                continue;
            }

            var meanBefore = before.Average(p => p.Value);
            var meanAfter = after.Average(p => p.Value);
            if (meanBefore < _options.MinimumMeanBefore || meanAfter >= _options.DropRatio * meanBefore)
            {
                continue;
            }

            var drop = 1 - (meanAfter / meanBefore);
            var evidence = new List<EvidenceItem>
            {
                new(t, EvidenceItem.Event, string.Create(CultureInfo.InvariantCulture, $"{magnet.Code} magnet influence, occurrence"), magnet.Code),
                new(t, EvidenceItem.Computed, "mean block import before", meanBefore, "Wh"),
                new(after[^1].Time, EvidenceItem.Computed, "mean block import after", meanAfter, "Wh"),
            };
            evidence.AddRange(after.Take(Finding.MaxEvidence - 3).Select(p => new EvidenceItem(p.Time, EvidenceItem.Reading, Quantity.BlockImportEnergy.Name, p.Value, "Wh")));
            findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Critical, Runs.Confidence((drop - (1 - _options.DropRatio)) * 4),
                string.Create(CultureInfo.InvariantCulture, $"Consumption fell by {drop:P0} after the magnet event of {t:u} ({meanBefore:0} Wh to {meanAfter:0} Wh per block)."),
                t, after[^1].Time, evidence));
        }

        return findings;
    }
}
