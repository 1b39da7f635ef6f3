using System.Globalization;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// Sustained power quality excursions of one meter, as alerts of category <see cref="Category"/>:
/// <see cref="VoltageRuleId"/> when <see cref="PowerQualityOptions.SustainedIntervals"/> block average voltages in a
/// row are under the band (discriminator <c>under</c>) or over it (<c>over</c>) — intervals without supply are an
/// outage and break a run; <see cref="PowerFactorRuleId"/> when <see cref="PowerQualityOptions.SustainedReadings"/>
/// power factor readings in a row (stored, or captured with the meter's events) are below the minimum;
/// <see cref="FrequencyRuleId"/> when <see cref="PowerQualityOptions.SustainedFrequencyReadings"/> frequency readings in
/// a row are under the frequency band (<c>under</c>) or over it (<c>over</c>) — 0 Hz is no supply and breaks a run.
/// </summary>
public sealed class PowerQualityRule(PowerQualityOptions? options = null) : IAnalyticsRule
{
    public const string Category = "power-quality";
    public const string VoltageRuleId = "voltage-excursion";
    public const string PowerFactorRuleId = "low-power-factor";
    public const string FrequencyRuleId = "frequency-excursion";

    private readonly PowerQualityOptions _options = options ?? new PowerQualityOptions();

    public string Id => VoltageRuleId;

    public TimeSpan Lookback => _options.Lookback;

    public IReadOnlyList<Quantity> Quantities => PowerQualityAnalyzer.Quantities;

    public bool IsPeriodic => false;

    public IReadOnlyList<Finding> Evaluate(MeterWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var findings = new List<Finding>();
        var voltages = window.Series(Quantity.BlockAverageVoltage);
        foreach (var band in (VoltageBand[])[VoltageBand.Under, VoltageBand.Over])
        {
            foreach (var (start, end) in Runs.Find(voltages.Count, i => _options.Classify(voltages[i].Value) == band, _options.SustainedIntervals))
            {
                var limit = band == VoltageBand.Under ? _options.LowerLimit : _options.UpperLimit;
                var worst = band == VoltageBand.Under ? voltages.Skip(start).Take(end - start + 1).Min(p => p.Value) : voltages.Skip(start).Take(end - start + 1).Max(p => p.Value);
                var evidence = Evidence(voltages, start, end, Quantity.BlockAverageVoltage, "V");
                evidence.Add(new EvidenceItem(voltages[end].Time, EvidenceItem.Computed, band == VoltageBand.Under ? "lower limit" : "upper limit", limit, "V"));
                var count = end - start + 1;
                var minutes = count * _options.BlockPeriod.TotalMinutes;
                var excess = (Math.Abs(worst - limit) / (_options.NominalVoltage * 0.05)) + ((double)count / _options.SustainedIntervals) - 1;
                var (word, direction) = band == VoltageBand.Under ? ("Under-voltage", "down to") : ("Over-voltage", "up to");
                findings.Add(new Finding(window.Meter, VoltageRuleId, Category, AlertSeverity.Warning, Runs.Confidence(excess),
                    string.Create(CultureInfo.InvariantCulture, $"{word} for {count} block intervals ({minutes:0} min) in a row, {direction} {worst:0.0} V against {limit:0.0} V."),
                    voltages[start].Time, voltages[end].Time, evidence, band == VoltageBand.Under ? "under" : "over"));
            }
        }

        var factors = window.Series(Quantity.PowerFactor);
        foreach (var (start, end) in Runs.Find(factors.Count, i => _options.IsLowPowerFactor(factors[i].Value), _options.SustainedReadings))
        {
            var worst = factors.Skip(start).Take(end - start + 1).Min(p => Math.Abs(p.Value));
            var evidence = Evidence(factors, start, end, Quantity.PowerFactor, null);
            evidence.Add(new EvidenceItem(factors[end].Time, EvidenceItem.Computed, "minimum power factor", _options.MinimumPowerFactor));
            var count = end - start + 1;
            var excess = ((_options.MinimumPowerFactor - worst) / 0.1) + ((double)count / _options.SustainedReadings) - 1;
            findings.Add(new Finding(window.Meter, PowerFactorRuleId, Category, AlertSeverity.Info, Runs.Confidence(excess),
                string.Create(CultureInfo.InvariantCulture, $"Power factor below {_options.MinimumPowerFactor:0.00} in {count} readings in a row, down to {worst:0.00}."),
                factors[start].Time, factors[end].Time, evidence));
        }

        findings.AddRange(Frequency(window));
        return findings;
    }

    private IEnumerable<Finding> Frequency(MeterWindow window)
    {
        var frequencies = window.Series(Quantity.Frequency);
        foreach (var band in (VoltageBand[])[VoltageBand.Under, VoltageBand.Over])
        {
            foreach (var (start, end) in Runs.Find(frequencies.Count, i => _options.ClassifyFrequency(frequencies[i].Value) == band, _options.SustainedFrequencyReadings))
            {
                var run = frequencies.Skip(start).Take(end - start + 1).Select(p => p.Value).ToList();
                var (limit, worst, word, direction) = band == VoltageBand.Under
                    ? (_options.FrequencyLowerLimit, run.Min(), "Under-frequency", "down to")
                    : (_options.FrequencyUpperLimit, run.Max(), "Over-frequency", "up to");
                var evidence = Evidence(frequencies, start, end, Quantity.Frequency, "Hz");
                evidence.Add(new EvidenceItem(frequencies[end].Time, EvidenceItem.Computed, band == VoltageBand.Under ? "lower limit" : "upper limit", limit, "Hz"));
                var excess = (Math.Abs(worst - limit) / (_options.NominalFrequency * _options.FrequencyTolerance)) + ((double)run.Count / _options.SustainedFrequencyReadings) - 1;
                yield return new Finding(window.Meter, FrequencyRuleId, Category, AlertSeverity.Warning, Runs.Confidence(excess),
                    string.Create(CultureInfo.InvariantCulture, $"{word} in {run.Count} reading{(run.Count == 1 ? string.Empty : "s")} in a row, {direction} {worst:0.00} Hz against {limit:0.00} Hz."),
                    frequencies[start].Time, frequencies[end].Time, evidence, band == VoltageBand.Under ? "under" : "over");
            }
        }
    }

    private static List<EvidenceItem> Evidence(IReadOnlyList<SeriesPoint> series, int start, int end, Quantity quantity, string? unit)
    {
        var evidence = new List<EvidenceItem>();
        for (var i = Math.Max(start, end - (Finding.MaxEvidence - 2)); i <= end; i++)
        {
            evidence.Add(new EvidenceItem(series[i].Time, EvidenceItem.Reading, quantity.Name, series[i].Value, unit));
        }

        return evidence;
    }
}
