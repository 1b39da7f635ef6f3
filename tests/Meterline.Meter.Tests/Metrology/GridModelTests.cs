using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class GridModelTests
{
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, Ist);

    [Fact]
    public void Sample_ThirtyDays_VoltageWithinFivePercentAndNoisy()
    {
        var grid = new GridModel(3);
        var voltages = Enumerable.Range(0, 30 * 1440).Select(m => grid.Sample(Start.AddMinutes(m)).Voltage).ToArray();
        Assert.All(voltages, v => Assert.InRange(v, 230 * 0.95, 230 * 1.05));
        Assert.InRange(voltages.Average(), 226, 234);
        Assert.True(StandardDeviation(voltages) > 1, "the voltage varies by more than a volt");
        var minuteToMinute = voltages.Zip(voltages.Skip(1), (a, b) => Math.Abs(a - b)).Average();
        Assert.True(minuteToMinute > 0.2, "per-minute noise");
    }

    [Fact]
    public void Sample_ThirtyDays_EveningVoltageBelowNightVoltage()
    {
        var grid = new GridModel(4);
        double evening = 0, night = 0;
        for (var day = 0; day < 30; day++)
        {
            evening += grid.Sample(Start.AddDays(day).AddHours(19.5)).Voltage;
            night += grid.Sample(Start.AddDays(day).AddHours(3.5)).Voltage;
        }

        Assert.True(night / 30 > (evening / 30) + 5, $"night {night / 30:F1} V, evening {evening / 30:F1} V");
    }

    [Fact]
    public void Sample_ThirtyDays_FrequencyWithinBandAndNoisy()
    {
        var grid = new GridModel(5);
        var frequencies = Enumerable.Range(0, 30 * 1440).Select(m => grid.Sample(Start.AddMinutes(m)).Frequency).ToArray();
        Assert.All(frequencies, f => Assert.InRange(f, 49.9, 50.1));
        Assert.InRange(frequencies.Average(), 49.99, 50.01);
        Assert.InRange(StandardDeviation(frequencies), 0.005, 0.05);
    }

    [Fact]
    public void Sample_SameSeed_SameValuesDifferentSeed_Different()
    {
        var at = Start.AddHours(13.25);
        Assert.Equal(new GridModel(9).Sample(at), new GridModel(9).Sample(at));
        Assert.NotEqual(new GridModel(9).Sample(at), new GridModel(10).Sample(at));
    }

    [Fact]
    public void Sample_Outage_ZeroVoltsZeroHertz()
    {
        Assert.Equal(default, new GridModel(1).Sample(Start, GridCondition.Outage));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(0.95)]
    public void Sample_VoltageSag_ScalesVoltageKeepsFrequency(double factor)
    {
        var grid = new GridModel(1);
        var normal = grid.Sample(Start);
        var sagged = grid.Sample(Start, GridCondition.VoltageSag(factor));
        Assert.Equal(normal.Voltage * factor, sagged.Voltage, 9);
        Assert.Equal(normal.Frequency, sagged.Frequency);
    }

    [Fact]
    public void Sample_OverVoltage_ScalesVoltage()
    {
        var grid = new GridModel(1);
        Assert.Equal(grid.Sample(Start).Voltage * 1.2, grid.Sample(Start, GridCondition.OverVoltage(1.2)).Voltage, 9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void VoltageSag_FactorOutOfRange_Throws(double factor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCondition.VoltageSag(factor));

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(double.PositiveInfinity)]
    public void OverVoltage_FactorOutOfRange_Throws(double factor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCondition.OverVoltage(factor));

    [Fact]
    public void GridCondition_Default_IsNormal()
    {
        Assert.Equal(GridConditionKind.Normal, default(GridCondition).Kind);
        Assert.Equal(1, default(GridCondition).VoltageFactor);
        Assert.Equal(0, GridCondition.Outage.VoltageFactor);
    }

    private static double StandardDeviation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
