using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Time;

public sealed class MeterClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ist = new(5, 30, 0);

    [Fact]
    public void UtcNow_NoOffsetNoDrift_FollowsTrueTime()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new MeterClock(time, Ist);
        time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(Start.AddHours(3), clock.UtcNow);
        Assert.Equal(Ist, clock.LocalNow.Offset);
    }

    [Fact]
    public void Set_ThenTimePasses_KeepsTheOffset()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new MeterClock(time, Ist);
        clock.Set(Start.AddMinutes(-7));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Start.AddHours(1).AddMinutes(-7), clock.UtcNow);
        Assert.Equal(TimeSpan.FromMinutes(-7), clock.Error);
    }

    [Fact]
    public void DriftPpm_OneDayAtHundredPpm_GainsEightPointSixFourSeconds()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new MeterClock(time, Ist) { DriftPpm = 100 };
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromSeconds(8.64), clock.Error);
        clock.DriftPpm = 0;
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromSeconds(8.64), clock.Error);
    }

    [Fact]
    public void Shift_MovesByTheAmount()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new MeterClock(time, Ist);
        clock.Shift(TimeSpan.FromSeconds(-30));
        Assert.Equal(Start.AddSeconds(-30), clock.UtcNow);
    }

    [Fact]
    public void NowAsCosem_LocalMinusUtc_WritesPlus330()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new MeterClock(time, Ist, DeviationConvention.LocalMinusUtc);
        var now = clock.NowAsCosem();
        Assert.Equal(330, now.Deviation);
        Assert.Equal(Start, now.ToDateTimeOffset(DeviationConvention.LocalMinusUtc));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(-13)]
    public void UtcOffset_OutOfRange_Throws(int hours) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MeterClock(new FakeTimeProvider(Start), TimeSpan.FromHours(hours)));
}
