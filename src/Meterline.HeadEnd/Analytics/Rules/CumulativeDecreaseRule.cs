using System.Globalization;

using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// A cumulative register going down — an integrity violation: the register was reset, rolled back or the data is
/// forged. The store keeps such values as the meter sent them (it never drops or corrects data); this rule makes each
/// fall a critical alert, one per register, with the values before and after.
/// </summary>
public sealed class CumulativeDecreaseRule(CumulativeDecreaseOptions? options = null) : IAnalyticsRule
{
    public const string RuleId = "cumulative-decrease";

    private readonly CumulativeDecreaseOptions _options = options ?? new CumulativeDecreaseOptions();

    public string Id => RuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => _options.Registers;

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var findings = new List<Finding>();
        foreach (var register in _options.Registers)
        {
            var series = window.Series(register);
            for (var i = 1; i < series.Count; i++)
            {
                var (before, after) = (series[i - 1], series[i]);
                if (before.Value - after.Value <= _options.Tolerance)
                {
                    continue;
                }

                findings.Add(new Finding(window.Meter, RuleId, AlertCategory.Integrity, AlertSeverity.Critical, 1.0,
                    string.Create(CultureInfo.InvariantCulture, $"The {register.Name} register went down from {before.Value:0.###} to {after.Value:0.###} {register.Unit}."),
                    before.Time, after.Time,
                    [
                        new EvidenceItem(before.Time, EvidenceItem.Reading, register.Name, before.Value, register.Unit),
                        new EvidenceItem(after.Time, EvidenceItem.Reading, register.Name, after.Value, register.Unit),
                        new EvidenceItem(after.Time, EvidenceItem.Computed, "decrease", before.Value - after.Value, register.Unit),
                    ],
                    register.Code.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return findings;
    }
}
