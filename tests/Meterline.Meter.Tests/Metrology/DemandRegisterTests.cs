using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class DemandRegisterTests
{
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly DateTimeOffset Midnight = new(2026, 2, 1, 0, 0, 0, Ist);

    [Fact]
    public void Add_ThreeBlocks_MaximumIsTheHighestBlockCapturedAtItsEnd()
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 30, watts: 1000);
        Feed(demand, Midnight.AddMinutes(30), minutes: 30, watts: 2400);
        Feed(demand, Midnight.AddMinutes(60), minutes: 30, watts: 1500);
        Assert.Equal(2400, demand.MaximumDemandWatts, 9);
        Assert.Equal(Midnight.AddHours(1), demand.CaptureTime);
        Assert.Equal(1500, demand.LastAverageWatts, 9);
        Assert.Equal(Midnight.AddMinutes(90), demand.LastBlockEnd);
        Assert.Equal(Ist, demand.CaptureTime!.Value.Offset);
    }

    [Fact]
    public void Add_IncrementEndingOnTheBoundary_ClosesTheBlockAtOnce()
    {
        var demand = new DemandRegister(TimeSpan.FromMinutes(15));
        Feed(demand, Midnight, minutes: 14, watts: 600);
        Assert.Null(demand.CaptureTime);
        Assert.Equal(600 * 14.0 / 15, demand.CurrentAverageWatts, 9);
        demand.Add(10, Midnight.AddMinutes(15));
        Assert.Equal(Midnight.AddMinutes(15), demand.CaptureTime);
        Assert.Equal((600 * 14.0 / 60) + 10, demand.MaximumDemandWatts / 4, 9);
        Assert.Equal(0, demand.CurrentAverageWatts);
    }

    [Fact]
    public void Add_BlocksAlignedToTheLocalClock()
    {
        var demand = new DemandRegister();
        var start = new DateTimeOffset(2026, 2, 1, 10, 17, 0, Ist);
        Feed(demand, start, minutes: 13, watts: 3000);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 10, 30, 0, Ist), demand.CaptureTime);
        Assert.Equal(3000 * 13.0 / 30, demand.MaximumDemandWatts, 9);
    }

    [Fact]
    public void Add_ClockJumpsToAnotherBlock_ClosesTheOpenBlock()
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 10, watts: 1200);
        demand.Add(1, Midnight.AddHours(5).AddMinutes(1));
        Assert.Equal(Midnight.AddMinutes(30), demand.CaptureTime);
        Assert.Equal(400, demand.MaximumDemandWatts, 9);
    }

    [Fact]
    public void Reset_ClearsMaximumAndCaptureTimeThenTheNextBlockSetsThem()
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 30, watts: 5000);
        demand.Reset();
        Assert.Equal(0, demand.MaximumDemandWatts);
        Assert.Null(demand.CaptureTime);
        Feed(demand, Midnight.AddMinutes(30), minutes: 30, watts: 700);
        Assert.Equal(700, demand.MaximumDemandWatts, 9);
        Assert.Equal(Midnight.AddHours(1), demand.CaptureTime);
    }

    [Fact]
    public void Add_LowerBlockAfterAHigherOne_KeepsTheMaximum()
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 30, watts: 2000);
        Feed(demand, Midnight.AddMinutes(30), minutes: 30, watts: 100);
        Assert.Equal(2000, demand.MaximumDemandWatts, 9);
        Assert.Equal(Midnight.AddMinutes(30), demand.CaptureTime);
        Assert.Equal(100, demand.LastAverageWatts, 9);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(90)]
    [InlineData(-15)]
    public void TrySetPeriod_NotAWholeDivisorOfADay_RefusedAndUnchanged(int seconds)
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 10, watts: 600);
        Assert.False(demand.TrySetPeriod(TimeSpan.FromSeconds(seconds == 7 ? 7 * 60 : seconds)));
        Assert.Equal(DemandRegister.DefaultPeriod, demand.Period);
        Assert.Equal(200, demand.CurrentAverageWatts, 9);
    }

    [Fact]
    public void TrySetPeriod_FifteenMinutes_AcceptedAndTheOpenBlockRestarts()
    {
        var demand = new DemandRegister();
        Feed(demand, Midnight, minutes: 10, watts: 600);
        Assert.True(demand.TrySetPeriod(TimeSpan.FromMinutes(15)));
        Assert.Equal(TimeSpan.FromMinutes(15), demand.Period);
        Assert.Equal(0, demand.CurrentAverageWatts);
        Feed(demand, Midnight.AddMinutes(10), minutes: 5, watts: 1500);
        Assert.Equal(500, demand.MaximumDemandWatts, 9);
        Assert.Equal(Midnight.AddMinutes(15), demand.CaptureTime);
    }

    [Fact]
    public void Constructor_InvalidPeriod_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DemandRegister(TimeSpan.FromMinutes(7)));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Add_BadIncrement_ThrowsAndChangesNothing(double wh)
    {
        var demand = new DemandRegister();
        demand.Add(5, Midnight.AddMinutes(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => demand.Add(wh, Midnight.AddMinutes(2)));
        Assert.Equal(10, demand.CurrentAverageWatts, 9);
    }

    private static void Feed(DemandRegister demand, DateTimeOffset start, int minutes, double watts)
    {
        for (var minute = 1; minute <= minutes; minute++)
        {
            demand.Add(watts / 60, start.AddMinutes(minute));
        }
    }
}
