using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

/// <summary>
/// A hand-worked feeder: transformer meter T and consumers A, B, C; 20 Wh technical loss per block; C bypassed from
/// block 4 (it records 50, 40, 60 Wh of a true 150); in block 7 B did not report.
/// </summary>
public sealed class EnergyBalanceCalculatorTests
{
    private static readonly MeterId T = new(1), A = new(2), B = new(3), C = new(4);

    private static IReadOnlyList<SeriesPoint> Points(params double?[] values) =>
        [.. values.Select((v, i) => (v, i)).Where(p => p.v is not null).Select(p => new SeriesPoint(At(p.i + 1), p.v!.Value))];

    private static EnergyBalance Feeder(IReadOnlyDictionary<MeterId, int>? alerts = null) => EnergyBalanceCalculator.Calculate("DT-1", T,
        Points(470, 500, 470, 500, 490, 490, 480),
        new Dictionary<MeterId, IReadOnlyList<SeriesPoint>>
        {
            [A] = Points(100, 120, 110, 130, 100, 120, 100),
            [B] = Points(200, 210, 190, 200, 220, 200, null),
            [C] = Points(150, 150, 150, 50, 40, 60, 50),
        },
        alerts);

    [Fact]
    public void Calculate_HandWorkedFeeder_LossPerInterval()
    {
        var balance = Feeder();

        Assert.Equal([20.0, 20, 20, 120, 130, 110, null], balance.Intervals.Select(i => i.Loss));
        Assert.Equal(100.0 * 120 / 500, balance.Intervals[3].LossPercent!.Value, 9);
        Assert.Equal([A, B, C], balance.Consumers);
    }

    [Fact]
    public void Calculate_MissingConsumer_ReportedNotCountedAsLoss()
    {
        var balance = Feeder();

        var last = balance.Intervals[^1];
        Assert.False(last.IsComplete);
        Assert.Equal([B], last.MissingConsumers);
        Assert.Equal((480.0, 150.0, 2), (last.TransformerEnergy!.Value, last.ConsumersEnergy, last.ConsumersReported));
        Assert.Equal((2920.0, 2500.0, 420.0, 6, 1), (balance.Total.TransformerEnergy, balance.Total.ConsumersEnergy, balance.Total.Loss, balance.Total.CompleteIntervals, balance.Total.IncompleteIntervals));
        Assert.Equal(100.0 * 420 / 2920, balance.Total.LossPercent!.Value, 9);
        Assert.Equal(balance.Total.Loss, Assert.Single(balance.Days).Loss);
    }

    [Fact]
    public void Calculate_BypassedMeter_RankedFirst()
    {
        var balance = Feeder();

        var top = balance.Suspects[0];
        Assert.Equal(C, top.Meter);
        Assert.True(top.Correlation > 0.95, $"r = {top.Correlation}");
        Assert.Equal(55.0 + 65 + 45, top.DeficitEnergy, 9);
        Assert.All(balance.Suspects.Skip(1), s => Assert.True(s.Score < 0.5, $"{s.Meter}: {s.Score}"));
    }

    [Fact]
    public void Calculate_OpenAlert_AddsToScore()
    {
        var balance = Feeder(new Dictionary<MeterId, int> { [A] = 1 });

        var a = balance.Suspects.Single(s => s.Meter == A);
        Assert.Equal(Math.Max(0, a.Correlation ?? 0) + EnergyBalanceCalculator.AlertWeight, a.Score, 9);
        Assert.Equal(1, a.OpenAlerts);
    }

    [Fact]
    public void Correlation_TooFewOrConstant_Null()
    {
        Assert.Null(EnergyBalanceCalculator.Correlation([1, 2, 3], [1, 2, 3]));
        Assert.Null(EnergyBalanceCalculator.Correlation([1, 1, 1, 1], [1, 2, 3, 4]));
        Assert.Equal(-1.0, EnergyBalanceCalculator.Correlation([1, 2, 3, 4], [8, 6, 4, 2])!.Value, 9);
    }
}
