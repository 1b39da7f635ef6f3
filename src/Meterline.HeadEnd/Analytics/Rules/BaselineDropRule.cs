using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// Consumption falling against the meter's own baseline while voltage is present. Each block of the last
/// <see cref="BaselineDropOptions.Window"/> gets a baseline: the median of the meter's import at the same time 1 to
/// <see cref="BaselineDropOptions.BaselineWeeks"/> weeks before. Blocks without voltage (an outage) or without enough
/// history do not count. Fires when the window's import is below the drop ratio of its baseline. Periodic (it needs
/// weeks of history).
/// </summary>
public sealed class BaselineDropRule(BaselineDropOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "baseline-drop";

    private readonly BaselineDropOptions _options = options ?? new BaselineDropOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Window + TimeSpan.FromDays(7 * _options.BaselineWeeks);

    public IReadOnlyList<Quantity> Quantities => [Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage];

    public bool IsPeriodic => true;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var import = window.Series(Quantity.BlockImportEnergy);
        if (import.Count == 0)
        {
            return [];
        }

        var end = import[^1].Time;
        var start = end - _options.Window;
        var expected = Math.Max(1, (int)(_options.Window / _options.Interval));
        double actual = 0, baseline = 0;
        var counted = 0;
        var evidence = new List<EvidenceItem>();
        foreach (var block in import.Where(p => p.Time > start))
        {
            if (!window.TryGet(Quantity.BlockAverageVoltage, block.Time, out var voltage) || voltage < _options.MinimumVoltage)
            {
                continue;
            }

            var history = new List<double>(_options.BaselineWeeks);
            for (var week = 1; week <= _options.BaselineWeeks; week++)
            {
                if (window.TryGet(Quantity.BlockImportEnergy, block.Time - TimeSpan.FromDays(7 * week), out var past))
                {
                    history.Add(past);
                }
            }

            if (history.Count < _options.MinimumWeeks)
            {
                continue;
            }

            var median = Median(history);
            actual += block.Value;
            baseline += median;
            counted++;
        }

        if (counted < _options.MinimumCoverage * expected || baseline < _options.MinimumBaselineEnergy || actual >= _options.DropRatio * baseline)
        {
            return [];
        }

        var drop = 1 - (actual / baseline);
        evidence.Add(new EvidenceItem(end, EvidenceItem.Computed, "import in the window", actual, "Wh"));
        evidence.Add(new EvidenceItem(end, EvidenceItem.Computed, "baseline (same-time median of past weeks)", baseline, "Wh"));
        evidence.Add(new EvidenceItem(end, EvidenceItem.Computed, "blocks counted (voltage present, baseline known)", counted));
        evidence.Add(new EvidenceItem(end, EvidenceItem.Computed, "drop against baseline", drop));
        return
        [
            new Finding(window.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Warning, Runs.Confidence((drop - (1 - _options.DropRatio)) * 4),
                string.Create(CultureInfo.InvariantCulture, $"Import over {_options.Window.TotalHours:0} h was {drop:P0} below the meter's baseline ({actual:0} Wh against {baseline:0} Wh) while voltage was present."),
                start, end, evidence),
        ];
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
