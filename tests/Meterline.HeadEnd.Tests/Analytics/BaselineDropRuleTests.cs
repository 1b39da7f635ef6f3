using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

public sealed class BaselineDropRuleTests
{
    private const int BlocksPerDay = 96;
    private const int Days = 29;

    private readonly FakeTimeProvider _time = new(T0.AddDays(Days));

    /// <summary>A daily shape (more by day than by night) with noise.</summary>
    private static double Normal(int i) => Noisy(i % BlocksPerDay is >= 28 and < 88 ? 150 : 60, 20, i);

    private MeterWindow Window(Func<int, double> import, Func<int, double>? voltage = null) =>
        new(Meter, _time.GetUtcNow(),
            Of(Quantity.BlockImportEnergy, Days * BlocksPerDay, import, first: 1).Concat(Of(Quantity.BlockAverageVoltage, Days * BlocksPerDay, voltage ?? (_ => 230), first: 1)),
            []);

    [Fact]
    public void BaselineDrop_LastDayFarBelowBaseline_Fires()
    {
        var lastDay = (Days - 1) * BlocksPerDay;
        var finding = Assert.Single(new BaselineDropRule().Evaluate(Window(i => i > lastDay ? Normal(i) * 0.3 : Normal(i))));

        Assert.Equal((AlertCategory.Theft, At(Days * BlocksPerDay)), (finding.Category, finding.To));
        Assert.Contains(finding.Evidence, e => e.Name == "drop against baseline" && e.Value is > 0.6 and < 0.8);
    }

    [Fact]
    public void BaselineDrop_NormalNoise_NoFinding()
    {
        Assert.Empty(new BaselineDropRule().Evaluate(Window(Normal)));
    }

    [Fact]
    public void BaselineDrop_NoVoltage_OutageIsNoFinding()
    {
        var lastDay = (Days - 1) * BlocksPerDay;

        Assert.Empty(new BaselineDropRule().Evaluate(Window(i => i > lastDay ? 0 : Normal(i), i => i > lastDay ? 0 : 230)));
    }

    [Theory]
    [InlineData(0.49, true)]
    [InlineData(0.5, false)]
    public void BaselineDrop_DropRatio_BoundaryRespected(double share, bool fires)
    {
        var lastDay = (Days - 1) * BlocksPerDay;

        Assert.Equal(fires, new BaselineDropRule().Evaluate(Window(i => i > lastDay ? 100 * share : 100)).Count == 1);
    }

    [Fact]
    public void BaselineDrop_TooLittleHistory_NoFinding()
    {
        // Two weeks of history: the baseline needs three of the four weeks at each block.
        var window = new MeterWindow(Meter, _time.GetUtcNow(),
            Of(Quantity.BlockImportEnergy, 15 * BlocksPerDay, i => i > 14 * BlocksPerDay ? 10 : 100, first: 1)
                .Concat(Of(Quantity.BlockAverageVoltage, 15 * BlocksPerDay, _ => 230, first: 1)),
            []);

        Assert.Empty(new BaselineDropRule().Evaluate(window));
    }
}
