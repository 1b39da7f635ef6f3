using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class IntervalAccumulatorTests
{
    private static readonly DateTimeOffset Capture = new(2026, 2, 1, 0, 30, 0, new TimeSpan(5, 30, 0));

    [Fact]
    public void Close_TimeWeightedAveragesOverPoweredTime()
    {
        var accumulator = new IntervalAccumulator(new EnergyRegisters());
        accumulator.Add(Sample(220, 4), TimeSpan.FromMinutes(10));
        accumulator.Add(Sample(240, 1), TimeSpan.FromMinutes(5));
        accumulator.Add(Sample(0, 0), TimeSpan.FromMinutes(15));
        var summary = accumulator.Close(Capture);
        Assert.Equal(TimeSpan.FromMinutes(30), summary.Duration);
        Assert.Equal(TimeSpan.FromMinutes(15), summary.PoweredDuration);
        Assert.Equal(((220 * 10) + (240 * 5)) / 15.0, summary.AverageVoltage, 9);
        Assert.Equal(((4 * 10) + (1 * 5)) / 15.0, summary.AverageCurrent, 9);
        Assert.Equal(Capture, summary.CaptureTime);
    }

    [Fact]
    public void Close_NeverPowered_ZeroAverages()
    {
        var accumulator = new IntervalAccumulator(new EnergyRegisters());
        accumulator.Add(Sample(0, 0), TimeSpan.FromMinutes(30));
        var summary = accumulator.Close(Capture);
        Assert.Equal(0, summary.AverageVoltage);
        Assert.Equal(0, summary.AverageCurrent);
        Assert.Equal(TimeSpan.Zero, summary.PoweredDuration);
    }

    [Fact]
    public void Close_BlockEnergiesAreRegisterDifferencesAndTheNextIntervalStartsAfresh()
    {
        var registers = new EnergyRegisters();
        registers.Add(new StepEnergy(100.6, 3, 120), 1);
        var accumulator = new IntervalAccumulator(registers);
        registers.Add(new StepEnergy(50.7, 2.5, 60), 3);
        accumulator.Add(Sample(230, 1), TimeSpan.FromMinutes(30));
        var first = accumulator.Close(Capture);
        Assert.Equal(51UL, first.ImportWh);
        Assert.Equal(2UL, first.ExportWh);
        Assert.Equal(60UL, first.ApparentVAh);
        Assert.Equal(151UL, first.CumulativeImportWh);
        Assert.Equal(5UL, first.CumulativeExportWh);
        Assert.Equal(180UL, first.CumulativeApparentVAh);
        Assert.Equal(TimeSpan.Zero, accumulator.Duration);

        registers.Add(new StepEnergy(0.8, 0.6, 0), 3);
        var second = accumulator.Close(Capture.AddMinutes(30));
        Assert.Equal(1UL, second.ImportWh);
        Assert.Equal(1UL, second.ExportWh);
        Assert.Equal(TimeSpan.Zero, second.Duration);
        Assert.Equal(registers.ImportWh - 100, first.ImportWh + second.ImportWh);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    public void Add_NonPositiveDt_Ignored(int seconds)
    {
        var accumulator = new IntervalAccumulator(new EnergyRegisters());
        accumulator.Add(Sample(230, 2), TimeSpan.FromMinutes(1));
        accumulator.Add(Sample(100, 50), TimeSpan.FromSeconds(seconds));
        Assert.Equal(TimeSpan.FromMinutes(1), accumulator.Duration);
        Assert.Equal(230, accumulator.Close(Capture).AverageVoltage, 9);
    }

    [Fact]
    public void Constructor_NullRegisters_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new IntervalAccumulator(null!));

    private static MetrologySample Sample(double volts, double amps) =>
        new(volts, amps, amps, volts * amps, volts * amps, 1, volts > 0 ? 50 : 0, false);
}
