using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

public sealed class EventRuleTests
{
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));

    [Fact]
    public void TamperEvent_MagnetPair_CriticalWithDurationAndValues()
    {
        var window = new MeterWindow(Meter, _time.GetUtcNow(), [],
        [
            Event(201, T0.AddHours(2), new RegisterValue(Quantity.Voltage, 231), new RegisterValue(Quantity.PhaseCurrent, 4.2)),
            Event(202, T0.AddHours(4)),
        ]);

        var finding = Assert.Single(new TamperEventRule().Evaluate(window));

        Assert.Equal((AlertCategory.Tamper, AlertSeverity.Critical, "tamper-event:201"), (finding.Category, finding.Severity, finding.DedupeKey));
        Assert.Equal((T0.AddHours(2), T0.AddHours(4)), (finding.From, finding.To));
        Assert.Contains(finding.Evidence, e => e.Name == "duration" && e.Value == 7200);
        Assert.Contains(finding.Evidence, e => e.Name == Quantity.Voltage.Name && e.Value == 231);
        Assert.Contains("2 h", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperEvent_OccurrenceWithoutRestoration_NotYetRestored()
    {
        var window = new MeterWindow(Meter, _time.GetUtcNow(), [], [Event(203, T0.AddHours(1))]);

        var finding = Assert.Single(new TamperEventRule().Evaluate(window));

        Assert.Equal(finding.From, finding.To);
        Assert.Contains("not yet restored", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperEvent_SeverityFromConfiguration_AndUnmappedCodesIgnored()
    {
        var options = new TamperEventOptions { Events = [new TamperEventMapping(251, null, "cover open", AlertSeverity.Info)] };
        var window = new MeterWindow(Meter, _time.GetUtcNow(), [], [Event(251, T0), Event(201, T0.AddMinutes(1)), Event(101, T0.AddMinutes(2))]);

        var finding = Assert.Single(new TamperEventRule(options).Evaluate(window));

        Assert.Equal(AlertSeverity.Info, finding.Severity);
        Assert.Equal("tamper-event:251", finding.DedupeKey);
    }

    [Fact]
    public void TamperEvent_NormalEvents_NoFinding()
    {
        var window = new MeterWindow(Meter, _time.GetUtcNow(), [], [Event(101, T0), Event(102, T0.AddMinutes(5)), Event(151, T0.AddMinutes(6))]);

        Assert.Empty(new TamperEventRule().Evaluate(window));
    }

    [Fact]
    public void MagnetLowConsumption_DropAfterMagnet_Fires()
    {
        var magnet = At(96);
        var readings = Of(Quantity.BlockImportEnergy, 144, i => i < 96 ? Noisy(200, 40, i) : Noisy(40, 10, i));
        var window = new MeterWindow(Meter, _time.GetUtcNow().AddDays(1), readings, [Event(201, magnet)]);

        var finding = Assert.Single(new MagnetLowConsumptionRule().Evaluate(window));

        Assert.Equal((AlertCategory.Theft, AlertSeverity.Critical, magnet), (finding.Category, finding.Severity, finding.From));
        Assert.Contains(finding.Evidence, e => e.Name == "mean block import before" && e.Value > 150);
        Assert.InRange(finding.Confidence, 0.5, 1);
    }

    [Fact]
    public void MagnetLowConsumption_ConsumptionUnchanged_NoFinding()
    {
        var readings = Of(Quantity.BlockImportEnergy, 144, i => Noisy(200, 60, i));
        var window = new MeterWindow(Meter, _time.GetUtcNow().AddDays(1), readings, [Event(201, At(96))]);

        Assert.Empty(new MagnetLowConsumptionRule().Evaluate(window));
    }

    [Theory]
    [InlineData(99.9, true)]
    [InlineData(100.0, false)]
    public void MagnetLowConsumption_AtTheDropRatio_BoundaryRespected(double after, bool fires)
    {
        var readings = Of(Quantity.BlockImportEnergy, 144, i => i < 96 ? 200 : after);
        var window = new MeterWindow(Meter, _time.GetUtcNow().AddDays(1), readings, [Event(201, At(95))]);

        Assert.Equal(fires, new MagnetLowConsumptionRule().Evaluate(window).Count == 1);
    }
}
