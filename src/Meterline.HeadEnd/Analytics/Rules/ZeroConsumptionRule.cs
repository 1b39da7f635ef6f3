using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// Zero consumption while current flows: the block's average current says a load is drawing power but the block's
/// energy (import and export) stays at zero — the metrology is bypassed or stopped. Fires on
/// <see cref="ZeroConsumptionOptions.SustainedIntervals"/> such blocks in a row.
/// </summary>
public sealed class ZeroConsumptionRule(ZeroConsumptionOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "zero-consumption-with-current";

    private readonly ZeroConsumptionOptions _options = options ?? new ZeroConsumptionOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => [Quantity.BlockAverageCurrent, Quantity.BlockImportEnergy, Quantity.BlockExportEnergy];

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var blocks = new List<(DateTimeOffset Time, double Current, double Import)>();
        foreach (var current in window.Series(Quantity.BlockAverageCurrent))
        {
            if (window.TryGet(Quantity.BlockImportEnergy, current.Time, out var import))
            {
                var export = window.TryGet(Quantity.BlockExportEnergy, current.Time, out var e) ? e : 0;
                blocks.Add((current.Time, current.Value, Math.Max(import, export)));
            }
        }

        var findings = new List<Finding>();
        foreach (var (start, end) in Runs.Find(blocks.Count, i => blocks[i].Current >= _options.MinimumCurrent && blocks[i].Import <= _options.MaximumEnergy, _options.SustainedIntervals))
        {
            var evidence = new List<EvidenceItem>();
            for (var i = Math.Max(start, end - ((Finding.MaxEvidence / 2) - 1)); i <= end; i++)
            {
                evidence.Add(new EvidenceItem(blocks[i].Time, EvidenceItem.Reading, Quantity.BlockAverageCurrent.Name, blocks[i].Current, "A"));
                evidence.Add(new EvidenceItem(blocks[i].Time, EvidenceItem.Reading, Quantity.BlockImportEnergy.Name, blocks[i].Import, "Wh"));
            }

            var meanCurrent = 0.0;
            for (var i = start; i <= end; i++)
            {
                meanCurrent += blocks[i].Current / (end - start + 1);
            }

            var confidence = Runs.Confidence(((meanCurrent / _options.MinimumCurrent) - 1) + ((end - start + 1.0) / _options.SustainedIntervals) - 1);
            findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Critical, confidence,
                string.Create(CultureInfo.InvariantCulture, $"{end - start + 1} blocks in a row recorded no energy while {meanCurrent:0.##} A flowed on average."),
                blocks[start].Time, blocks[end].Time, evidence));
        }

        return findings;
    }
}
