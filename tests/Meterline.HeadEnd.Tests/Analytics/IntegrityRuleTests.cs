using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

public sealed class IntegrityRuleTests
{
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));

    [Fact]
    public void CumulativeDecrease_RegisterGoesDown_CriticalIntegrityWithBothValues()
    {
        var readings = Of(Quantity.CumulativeImportEnergy, 10, i => i == 6 ? 1_000_000 : 1_000_000 + (i * 250));
        var window = new MeterWindow(Meter, _time.GetUtcNow(), readings, []);

        var finding = Assert.Single(new CumulativeDecreaseRule().Evaluate(window));

        Assert.Equal((AlertCategory.Integrity, AlertSeverity.Critical, 1.0), (finding.Category, finding.Severity, finding.Confidence));
        Assert.Equal((At(5), At(6)), (finding.From, finding.To));
        Assert.Contains(finding.Evidence, e => e.Name == "decrease" && e.Value == 1250);
    }

    [Fact]
    public void CumulativeDecrease_RisingOrFlat_NoFinding()
    {
        var readings = Of(Quantity.CumulativeImportEnergy, 96, i => 5_000 + (i / 3 * 100)).Concat(Of(Quantity.CumulativeExportEnergy, 96, _ => 0));

        Assert.Empty(new CumulativeDecreaseRule().Evaluate(new MeterWindow(Meter, _time.GetUtcNow(), readings, [])));
    }

    [Theory]
    [InlineData(10.0, false)]
    [InlineData(10.5, true)]
    public void CumulativeDecrease_Tolerance_BoundaryRespected(double fall, bool fires)
    {
        var readings = Of(Quantity.CumulativeImportEnergy, 2, i => i == 0 ? 1_000 : 1_000 - fall);
        var rule = new CumulativeDecreaseRule(new CumulativeDecreaseOptions { Tolerance = 10 });

        Assert.Equal(fires, rule.Evaluate(new MeterWindow(Meter, _time.GetUtcNow(), readings, [])).Count == 1);
    }

    [Fact]
    public void ClockAnomaly_IntervalCommittedAfterLaterOne_Backwards()
    {
        var readings = Of(Quantity.BlockImportEnergy, 6, _ => 100);
        var window = new MeterWindow(Meter, _time.GetUtcNow(), readings, [], [At(3), At(4), At(5), At(1)]);

        var finding = Assert.Single(new ClockAnomalyRule().Evaluate(window));

        Assert.Equal(("clock-anomaly:backwards", AlertCategory.Integrity), (finding.DedupeKey, finding.Category));
        Assert.Contains(finding.Evidence, e => e.Name == "backwards by" && e.Value == 3600);
    }

    [Fact]
    public void ClockAnomaly_InOrderOnGridInThePast_NoFinding()
    {
        var readings = Of(Quantity.BlockImportEnergy, 96, i => Noisy(100, 50, i));
        var window = new MeterWindow(Meter, _time.GetUtcNow(), readings, [], [.. Enumerable.Range(0, 96).Select(At)]);

        Assert.Empty(new ClockAnomalyRule().Evaluate(window));
    }

    [Fact]
    public void ClockAnomaly_IntervalsAheadOfHeadEnd_Ahead()
    {
        var time = new FakeTimeProvider(At(10));
        var readings = Of(Quantity.BlockImportEnergy, 14, _ => 100);

        var finding = Assert.Single(new ClockAnomalyRule().Evaluate(new MeterWindow(Meter, time.GetUtcNow(), readings, [])));

        Assert.Equal(("clock-anomaly:ahead", At(11), At(13)), (finding.DedupeKey, finding.From, finding.To));
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void ClockAnomaly_FutureTolerance_BoundaryRespected(int minutesAhead, bool fires)
    {
        var readings = new[] { new IntervalReading(Meter, At(4), Quantity.BlockImportEnergy, 100, ReadingQuality.Authenticated) };
        var window = new MeterWindow(Meter, At(4).AddMinutes(-minutesAhead), readings, []);

        Assert.Equal(fires, new ClockAnomalyRule().Evaluate(window).Count == 1);
    }

    [Fact]
    public void ClockAnomaly_IntervalsOffTheGrid_Jump()
    {
        var readings = Of(Quantity.BlockImportEnergy, 4, _ => 100)
            .Append(new IntervalReading(Meter, At(4).AddMinutes(7), Quantity.BlockImportEnergy, 100, ReadingQuality.Authenticated));

        var finding = Assert.Single(new ClockAnomalyRule().Evaluate(new MeterWindow(Meter, _time.GetUtcNow(), readings, [])));

        Assert.Equal("clock-anomaly:off-grid", finding.DedupeKey);
    }

    [Fact]
    public void ClockAnomaly_FutureCheckOff_NoAheadFinding()
    {
        var readings = Of(Quantity.BlockImportEnergy, 14, _ => 100);
        var rule = new ClockAnomalyRule(new ClockAnomalyOptions { FutureTolerance = null });

        Assert.Empty(rule.Evaluate(new MeterWindow(Meter, At(2), readings, [])));
    }
}
