using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.PowerQuality;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.PowerQuality;

public sealed class PowerQualityTests
{
    private static readonly MeterId Meter = new(1);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PowerQualityOptions Options = new();
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));

    private static DateTimeOffset At(int block) => T0.AddMinutes(15 * (block + 1));

    private static IEnumerable<IntervalReading> Blocks(params double[] voltages) =>
        voltages.Select((v, i) => new IntervalReading(Meter, At(i), Quantity.BlockAverageVoltage, v, ReadingQuality.Authenticated));

    private static IEnumerable<IntervalReading> Factors(params double[] factors) =>
        factors.Select((pf, i) => new IntervalReading(Meter, At(i), Quantity.PowerFactor, pf, ReadingQuality.Authenticated));

    private IReadOnlyList<Finding> Evaluate(IEnumerable<IntervalReading> readings, IEnumerable<MeterEvent>? events = null) =>
        new PowerQualityRule().Evaluate(new MeterWindow(Meter, _time.GetUtcNow(), readings, events ?? []));

    [Theory]
    [InlineData(49.9, VoltageBand.NoSupply)]
    [InlineData(50.0, VoltageBand.Under)]
    [InlineData(206.9, VoltageBand.Under)]
    [InlineData(207.0, VoltageBand.Normal)]
    [InlineData(229.9, VoltageBand.Normal)]
    [InlineData(253.0, VoltageBand.Normal)]
    [InlineData(253.1, VoltageBand.Over)]
    public void Classify_AroundTheLimits_LimitsInBand(double voltage, VoltageBand band) =>
        Assert.Equal(band, Options.Classify(voltage));

    [Fact]
    public void Limits_Default_207And253Exactly()
    {
        Assert.Equal(207.0, Options.LowerLimit);
        Assert.Equal(253.0, Options.UpperLimit);
        Assert.Equal(VoltageBand.Over, new PowerQualityOptions { NominalVoltage = 240 }.Classify(264.1));
    }

    [Theory]
    [InlineData(0.79, true)]
    [InlineData(-0.79, true)]
    [InlineData(0.8, false)]
    [InlineData(-0.95, false)]
    public void IsLowPowerFactor_AroundTheMinimum_MagnitudeCompared(double powerFactor, bool low) =>
        Assert.Equal(low, Options.IsLowPowerFactor(powerFactor));

    [Fact]
    public void Summarize_MixedDay_CountsMinutesAndExtremes()
    {
        var readings = Blocks(230, 206.9, 205, 207, 253, 253.5, 0, 231).Concat(Factors(0.95, 0.7, 0.8))
            .Append(new IntervalReading(Meter, At(3), Quantity.Voltage, 260, ReadingQuality.Authenticated));
        MeterEvent[] events =
        [
            new(Meter, At(1), PowerQualityEvents.LowVoltage, [new RegisterValue(Quantity.Voltage, 190), new RegisterValue(Quantity.PowerFactor, 0.5)], At(1)),
            new(Meter, At(2), PowerQualityEvents.LowVoltageRestoration, [], At(2)),
            new(Meter, At(5), PowerQualityEvents.OverVoltage, [], At(5)),
        ];

        var summary = PowerQualityAnalyzer.Summarize(Meter, T0, T0.AddDays(1), readings, events, Options);

        Assert.Equal((8, 2, 1, 1), (summary.Intervals, summary.UnderVoltageIntervals, summary.OverVoltageIntervals, summary.NoSupplyIntervals));
        Assert.Equal(45, summary.MinutesOutOfBand);
        Assert.Equal((190.0, 260.0), (summary.MinimumVoltage!.Value, summary.MaximumVoltage!.Value));
        Assert.Equal((230 + 206.9 + 205 + 207 + 253 + 253.5 + 231) / 7, summary.AverageVoltage!.Value, 9);
        Assert.Equal((4, 2, 0.5), (summary.PowerFactorReadings, summary.LowPowerFactorReadings, summary.MinimumPowerFactor!.Value));
        Assert.Equal((1, 1), (summary.OverVoltageEvents, summary.LowVoltageEvents));
        Assert.True(summary.HasExcursions);
    }

    [Fact]
    public void Summarize_OutsideThePeriod_NotCounted()
    {
        var summary = PowerQualityAnalyzer.Summarize(Meter, At(2), At(4), Blocks(200, 200, 230, 230, 200), [], Options);

        Assert.Equal((2, 0), (summary.Intervals, summary.UnderVoltageIntervals));
        Assert.False(summary.HasExcursions);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Rule_UnderVoltageRun_FiresAtTheSustainedCount(int run, bool fires)
    {
        var voltages = Enumerable.Repeat(230.0, 4).Concat(Enumerable.Repeat(206.9, run)).Concat(Enumerable.Repeat(230.0, 4)).ToArray();

        var findings = Evaluate(Blocks(voltages));

        Assert.Equal(fires, findings.Count == 1);
        if (fires)
        {
            var finding = findings[0];
            Assert.Equal((PowerQualityRule.VoltageRuleId, PowerQualityRule.Category, "voltage-excursion:under"), (finding.RuleId, finding.Category, finding.DedupeKey));
            Assert.Equal((At(4), At(5)), (finding.From, finding.To));
            Assert.Contains(finding.Evidence, e => e.Name == "lower limit" && e.Value == 207.0);
        }
    }

    [Fact]
    public void Rule_AtTheLimits_NoFinding() =>
        Assert.Empty(Evaluate(Blocks(207.0, 207.0, 253.0, 253.0, 207.0)));

    [Fact]
    public void Rule_OverVoltageRun_FiresOver()
    {
        var finding = Assert.Single(Evaluate(Blocks(230, 253.1, 260, 255, 230)));

        Assert.Equal("voltage-excursion:over", finding.DedupeKey);
        Assert.Contains("up to 260.0 V", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_NoSupplyBetween_BreaksTheRun() =>
        Assert.Empty(Evaluate(Blocks(230, 200, 0, 200, 230)));

    [Theory]
    [InlineData(0.79, true)]
    [InlineData(0.8, false)]
    public void Rule_LowPowerFactorThreeInARow_Fires(double powerFactor, bool fires)
    {
        var findings = Evaluate(Factors(0.95, powerFactor, powerFactor, powerFactor, 0.95));

        Assert.Equal(fires, findings.Any(f => f.RuleId == PowerQualityRule.PowerFactorRuleId));
    }

    [Fact]
    public void Rule_LowPowerFactorTwice_NoFinding() =>
        Assert.Empty(Evaluate(Factors(0.95, 0.6, 0.6, 0.95)));
}
