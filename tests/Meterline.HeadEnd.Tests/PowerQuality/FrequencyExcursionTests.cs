using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.PowerQuality;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.PowerQuality;

public sealed class FrequencyExcursionTests
{
    private static readonly MeterId Meter = new(1);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PowerQualityOptions Options = new();

    private static IEnumerable<IntervalReading> Frequencies(params double[] hertz) =>
        hertz.Select((f, i) => new IntervalReading(Meter, T0.AddMinutes(15 * (i + 1)), Quantity.Frequency, f, ReadingQuality.Authenticated));

    private static IReadOnlyList<Finding> Evaluate(IEnumerable<IntervalReading> readings, PowerQualityOptions? options = null) =>
        new PowerQualityRule(options).Evaluate(new MeterWindow(Meter, T0.AddDays(1), readings, []));

    [Theory]
    [InlineData(0.0, VoltageBand.NoSupply)]
    [InlineData(49.49, VoltageBand.Under)]
    [InlineData(49.5, VoltageBand.Normal)]
    [InlineData(50.5, VoltageBand.Normal)]
    [InlineData(50.51, VoltageBand.Over)]
    public void ClassifyFrequency_AroundTheEn50160Band_LimitsInBand(double hertz, VoltageBand band) =>
        Assert.Equal(band, Options.ClassifyFrequency(hertz));

    [Fact]
    public void Rule_UnderFrequencyReading_RaisesFrequencyExcursionUnder()
    {
        var finding = Assert.Single(Evaluate(Frequencies(50.01, 48.9, 49.97)));

        Assert.Equal((PowerQualityRule.FrequencyRuleId, PowerQualityRule.Category, "under", AlertSeverity.Warning), (finding.RuleId, finding.Category, finding.Discriminator, finding.Severity));
        Assert.Contains("48.90 Hz against 49.50 Hz", finding.Summary, StringComparison.Ordinal);
        Assert.Equal(T0.AddMinutes(30), finding.From);
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceItem.Reading && e.Value == 48.9 && e.Unit == "Hz");
        Assert.Contains(finding.Evidence, e => e.Kind == EvidenceItem.Computed && e.Value == 49.5);
    }

    [Fact]
    public void Rule_OverFrequencyRun_RaisesOneFindingOver()
    {
        var finding = Assert.Single(Evaluate(Frequencies(50.6, 50.8, 50.7)));

        Assert.Equal("over", finding.Discriminator);
        Assert.Contains("3 readings in a row, up to 50.80 Hz", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_InBandAndNoSupply_NoFinding() =>
        Assert.Empty(Evaluate(Frequencies(49.5, 50.5, 0, 50.02)));

    [Fact]
    public void Rule_SustainedTwoWithOneOut_NoFinding() =>
        Assert.Empty(Evaluate(Frequencies(50, 49.2, 50), Options with { SustainedFrequencyReadings = 2 }));

    [Fact]
    public void Rule_BandFromConfiguration_SixtyHertzTwoPercent()
    {
        var sixty = Options with { NominalFrequency = 60, FrequencyTolerance = 0.02 };

        Assert.Empty(Evaluate(Frequencies(58.9, 61.1), sixty));
        Assert.Equal(["under"], Evaluate(Frequencies(58.7, 60), sixty).Select(f => f.Discriminator));
    }

    [Fact]
    public void Summarize_FrequencyReadings_CountedWithExtremes()
    {
        var summary = PowerQualityAnalyzer.Summarize(Meter, T0, T0.AddDays(1), Frequencies(50.02, 48.9, 0, 50.6), [], Options);

        Assert.Equal((3, 2, 48.9, 50.6), (summary.FrequencyReadings, summary.FrequencyExcursions, summary.MinimumFrequency, summary.MaximumFrequency));
        Assert.True(summary.HasExcursions);
    }

    [Fact]
    public void Validate_BadFrequencyOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => (Options with { FrequencyTolerance = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => (Options with { FrequencyReadPeriod = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => (Options with { NominalFrequency = -50 }).Validate());
    }
}
