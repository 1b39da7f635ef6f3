using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

public sealed class CurrentRuleTests
{
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));

    private MeterWindow Window(IEnumerable<IntervalReading> readings, bool netMetered = false) =>
        new(Meter, _time.GetUtcNow(), readings, [], isNetMetered: netMetered);

    [Fact]
    public void NeutralMismatch_SustainedDifference_FiresWithPairs()
    {
        var readings = Of(Quantity.PhaseCurrent, 20, i => Noisy(5, 0.1, i))
            .Concat(Of(Quantity.NeutralCurrent, 20, i => i is >= 10 and < 14 ? 2.0 : Noisy(5, 0.1, i, seed: 2)));

        var finding = Assert.Single(new NeutralMismatchRule().Evaluate(Window(readings)));

        Assert.Equal((At(10), At(13)), (finding.From, finding.To));
        Assert.Equal(AlertCategory.Theft, finding.Category);
        Assert.Contains(finding.Evidence, e => e.Name == Quantity.NeutralCurrent.Name && e.Value == 2.0);
    }

    [Fact]
    public void NeutralMismatch_NormalNoise_NoFinding()
    {
        var readings = Of(Quantity.PhaseCurrent, 96, i => Noisy(5, 0.3, i)).Concat(Of(Quantity.NeutralCurrent, 96, i => Noisy(5, 0.3, i, seed: 3)));

        Assert.Empty(new NeutralMismatchRule().Evaluate(Window(readings)));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void NeutralMismatch_SustainedIntervals_BoundaryRespected(int run, bool fires)
    {
        var readings = Of(Quantity.PhaseCurrent, 10, _ => 5).Concat(Of(Quantity.NeutralCurrent, 10, i => i >= 4 && i < 4 + run ? 4.0 : 5));

        Assert.Equal(fires, new NeutralMismatchRule().Evaluate(Window(readings)).Count == 1);
    }

    [Theory]
    [InlineData(4.0, true)]
    [InlineData(4.01, false)]
    public void NeutralMismatch_Ratio_BoundaryRespected(double neutral, bool fires)
    {
        // |5 − 4| / 5 = 0.2: exactly the default ratio fires; just under it does not.
        var readings = Of(Quantity.PhaseCurrent, 6, _ => 5).Concat(Of(Quantity.NeutralCurrent, 6, _ => neutral));

        Assert.Equal(fires, new NeutralMismatchRule().Evaluate(Window(readings)).Count == 1);
    }

    [Fact]
    public void NeutralMismatch_SmallCurrents_AbsoluteThresholdHolds()
    {
        // 0.2 A against 0.4 A is 50 % but only 0.2 A: below the 0.5 A absolute threshold.
        var readings = Of(Quantity.PhaseCurrent, 6, _ => 0.4).Concat(Of(Quantity.NeutralCurrent, 6, _ => 0.2));

        Assert.Empty(new NeutralMismatchRule().Evaluate(Window(readings)));
    }

    [Fact]
    public void ZeroConsumption_CurrentWithoutEnergy_Fires()
    {
        var readings = Of(Quantity.BlockAverageCurrent, 8, _ => 6).Concat(Of(Quantity.BlockImportEnergy, 8, i => i >= 5 ? 0 : 300));

        var finding = Assert.Single(new ZeroConsumptionRule().Evaluate(Window(readings)));

        Assert.Equal((At(5), At(7), AlertSeverity.Critical), (finding.From, finding.To, finding.Severity));
    }

    [Fact]
    public void ZeroConsumption_NoCurrentNoEnergy_NoFinding()
    {
        var readings = Of(Quantity.BlockAverageCurrent, 8, _ => 0.1).Concat(Of(Quantity.BlockImportEnergy, 8, _ => 0));

        Assert.Empty(new ZeroConsumptionRule().Evaluate(Window(readings)));
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.001, false)]
    public void ZeroConsumption_EnergyThreshold_BoundaryRespected(double energy, bool fires)
    {
        var readings = Of(Quantity.BlockAverageCurrent, 4, _ => 0.5).Concat(Of(Quantity.BlockImportEnergy, 4, _ => energy));

        Assert.Equal(fires, new ZeroConsumptionRule().Evaluate(Window(readings)).Count == 1);
    }

    [Fact]
    public void ReverseEnergy_ExportOnConsumerMeter_Fires()
    {
        var readings = Of(Quantity.BlockExportEnergy, 10, i => i >= 6 ? 120 : 0);

        var finding = Assert.Single(new ReverseEnergyRule().Evaluate(Window(readings)));

        Assert.Equal((At(6), At(9)), (finding.From, finding.To));
        Assert.Contains(finding.Evidence, e => e.Name == "export in the run" && e.Value == 480);
    }

    [Fact]
    public void ReverseEnergy_NetMeteredMeter_NoFinding()
    {
        Assert.Empty(new ReverseEnergyRule().Evaluate(Window(Of(Quantity.BlockExportEnergy, 10, _ => 500), netMetered: true)));
    }

    [Theory]
    [InlineData(10.0, true)]
    [InlineData(9.99, false)]
    public void ReverseEnergy_MinimumExport_BoundaryRespected(double export, bool fires)
    {
        Assert.Equal(fires, new ReverseEnergyRule().Evaluate(Window(Of(Quantity.BlockExportEnergy, 2, _ => export))).Count == 1);
    }

    [Fact]
    public void NeutralMismatch_ValuesCapturedWithEvents_CountAsReadings()
    {
        var events = Enumerable.Range(0, 3).Select(i => Event(203, At(i), new RegisterValue(Quantity.PhaseCurrent, 6), new RegisterValue(Quantity.NeutralCurrent, 1.5))).ToList();

        var finding = Assert.Single(new NeutralMismatchRule().Evaluate(new MeterWindow(Meter, _time.GetUtcNow(), [], events)));

        Assert.Equal((At(0), At(2)), (finding.From, finding.To));
    }
}
