using System.Diagnostics;
using Meterline.Simulator.Time;

namespace Meterline.Simulator.Tests.Time;

public sealed class AcceleratedTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(100_001)]
    [InlineData(double.NaN)]
    public void Constructor_SpeedOutOfRange_Throws(double speed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AcceleratedTimeProvider(Start, speed));

    [Fact]
    public void GetUtcNow_AfterRealTime_AdvancesBySpeedTimesElapsed()
    {
        var outer = Stopwatch.StartNew();
        var provider = new AcceleratedTimeProvider(Start, 1000);
        var inner = Stopwatch.StartNew();
        Thread.Sleep(50);
        inner.Stop();
        var now = provider.GetUtcNow();
        outer.Stop();

        var simulated = now - Start;
        Assert.InRange(simulated, inner.Elapsed * 1000, outer.Elapsed * 1000);
    }

    [Fact]
    public void GetUtcNow_ManyReads_NeverGoesBackwards()
    {
        var provider = new AcceleratedTimeProvider(Start, 100_000);
        var previous = provider.GetUtcNow();
        for (var i = 0; i < 100_000; i++)
        {
            var now = provider.GetUtcNow();
            Assert.True(now >= previous);
            previous = now;
        }
    }

    [Fact]
    public void GetElapsedTime_MeasuresSimulatedTime()
    {
        var provider = new AcceleratedTimeProvider(Start, 500);
        var before = provider.GetUtcNow();
        var timestamp = provider.GetTimestamp();
        Thread.Sleep(20);
        var elapsed = provider.GetElapsedTime(timestamp);
        var after = provider.GetUtcNow();

        Assert.True(elapsed >= TimeSpan.FromSeconds(10), $"{elapsed}");
        Assert.True(elapsed <= after - before, $"{elapsed} > {after - before}");
    }

    [Fact]
    public async Task Delay_OneSimulatedMinuteAtSpeed6000_WaitsAboutTenMillisecondsAndTheClockMovesAMinute()
    {
        var provider = new AcceleratedTimeProvider(Start, 6000);
        var before = provider.GetUtcNow();

        await Task.Delay(TimeSpan.FromMinutes(1), provider).WaitAsync(Bound);

        Assert.True(provider.GetUtcNow() - before >= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task CreateTimer_PeriodicSimulatedHour_FiresRepeatedly()
    {
        var provider = new AcceleratedTimeProvider(Start, 100_000);
        var fired = 0;
        var three = new TaskCompletionSource();
        using var timer = provider.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref fired) == 3)
            {
                three.TrySetResult();
            }
        }, null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        await three.Task.WaitAsync(Bound);
        Assert.True(provider.GetUtcNow() - Start >= TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task Change_ToInfinite_StopsTheTimer()
    {
        var provider = new AcceleratedTimeProvider(Start, 100_000);
        var fired = 0;
        using var timer = provider.CreateTimer(_ => Interlocked.Increment(ref fired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.True(timer.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan));
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref fired) == 0 && deadline.Elapsed < Bound)
        {
            await Task.Delay(5);
        }

        Assert.Equal(1, Volatile.Read(ref fired));
        await Task.Delay(100);
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public void Scale_ShortSpans_RoundUpToWholeMillisecondsAndDueTimesGetOneMore()
    {
        var provider = new AcceleratedTimeProvider(Start, 100_000);

        Assert.Equal(TimeSpan.FromMilliseconds(1), provider.Scale(TimeSpan.FromSeconds(1), isPeriod: true));
        Assert.Equal(TimeSpan.FromMilliseconds(2), provider.Scale(TimeSpan.FromSeconds(1), isPeriod: false));
        Assert.Equal(TimeSpan.FromMilliseconds(36), provider.Scale(TimeSpan.FromHours(1), isPeriod: true));
        Assert.Equal(TimeSpan.FromMilliseconds(37), provider.Scale(TimeSpan.FromHours(1), isPeriod: false));
        Assert.Equal(TimeSpan.Zero, provider.Scale(TimeSpan.Zero, isPeriod: true));
        Assert.Equal(Timeout.InfiniteTimeSpan, provider.Scale(Timeout.InfiniteTimeSpan, isPeriod: true));
    }

    [Fact]
    public async Task Delay_ManyShortDelays_NeverEndBeforeTheirSimulatedTime()
    {
        var provider = new AcceleratedTimeProvider(Start, 7_000);
        for (var i = 0; i < 50; i++)
        {
            var before = provider.GetUtcNow();
            await Task.Delay(TimeSpan.FromSeconds(13), provider).WaitAsync(Bound);
            Assert.True(provider.GetUtcNow() - before >= TimeSpan.FromSeconds(13));
        }
    }

    [Fact]
    public void LocalTimeZone_IsUtc() => Assert.Equal(TimeZoneInfo.Utc, new AcceleratedTimeProvider(Start, 1).LocalTimeZone);
}
