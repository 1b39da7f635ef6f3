using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// Reverse energy on a consumer meter without net metering: export recorded where nothing should be generated —
/// the meter is connected backwards (its import lost) or the terminals are swapped. Fires on
/// <see cref="ReverseEnergyOptions.SustainedIntervals"/> blocks in a row with export; never for a net-metered meter.
/// </summary>
public sealed class ReverseEnergyRule(ReverseEnergyOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "reverse-energy";

    private readonly ReverseEnergyOptions _options = options ?? new ReverseEnergyOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => [Quantity.BlockExportEnergy];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.IsNetMetered)
        {
            return [];
        }

        var export = window.Series(Quantity.BlockExportEnergy);
        var findings = new List<Finding>();
        foreach (var (start, end) in Runs.Find(export.Count, i => export[i].Value >= _options.MinimumExport, _options.SustainedIntervals))
        {
            var total = 0.0;
            for (var i = start; i <= end; i++)
            {
                total += export[i].Value;
            }

            var evidence = new List<EvidenceItem>();
            for (var i = Math.Max(start, end - (Finding.MaxEvidence - 2)); i <= end; i++)
            {
                evidence.Add(new EvidenceItem(export[i].Time, EvidenceItem.Reading, Quantity.BlockExportEnergy.Name, export[i].Value, "Wh"));
            }

            evidence.Add(new EvidenceItem(export[end].Time, EvidenceItem.Computed, "export in the run", total, "Wh"));
            var confidence = Runs.Confidence(((total / (end - start + 1)) / _options.MinimumExport) - 1 + ((end - start + 1.0) / _options.SustainedIntervals) - 1);
            findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Warning, confidence,
                string.Create(CultureInfo.InvariantCulture, $"A meter without net metering exported {total:0} Wh over {end - start + 1} blocks."),
                export[start].Time, export[end].Time, evidence));
        }

        return findings;
    }
}
