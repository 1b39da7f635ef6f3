using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class ClockBlocksTests
{
    private static readonly TimeSpan Ist = new(5, 30, 0);

    [Theory]
    [InlineData(60, true)]
    [InlineData(15 * 60, true)]
    [InlineData(30 * 60, true)]
    [InlineData(60 * 60, true)]
    [InlineData(24 * 60 * 60, true)]
    [InlineData(0, false)]
    [InlineData(30, false)]
    [InlineData(90, false)]
    [InlineData(7 * 60, false)]
    [InlineData(48 * 60 * 60, false)]
    [InlineData(-15 * 60, false)]
    public void IsValidPeriod_Seconds_Expected(int seconds, bool valid) =>
        Assert.Equal(valid, ClockBlocks.IsValidPeriod(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void BlockEnd_InsideABlock_NextBoundaryOnTheLocalClock()
    {
        var time = new DateTimeOffset(2026, 2, 1, 23, 50, 1, Ist);
        Assert.Equal(new DateTimeOffset(2026, 2, 2, 0, 0, 0, Ist), ClockBlocks.BlockEnd(time, TimeSpan.FromMinutes(15)));
        Assert.Equal(new DateTimeOffset(2026, 2, 2, 0, 0, 0, Ist), ClockBlocks.BlockEnd(time, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void BlockEnd_OnABoundary_ThatBoundary()
    {
        var time = new DateTimeOffset(2026, 2, 1, 10, 30, 0, Ist);
        Assert.Equal(time, ClockBlocks.BlockEnd(time, TimeSpan.FromMinutes(30)));
        Assert.True(ClockBlocks.IsBoundary(time, TimeSpan.FromMinutes(30)));
        Assert.False(ClockBlocks.IsBoundary(time, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void BlockEnd_InvalidPeriod_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClockBlocks.BlockEnd(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(7)));
}
