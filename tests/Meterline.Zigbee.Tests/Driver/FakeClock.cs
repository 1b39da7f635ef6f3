using Microsoft.Extensions.Time.Testing;

namespace Meterline.Zigbee.Tests.Driver;

/// <summary>
/// Moving a fake clock only when the driver is known to be waiting on it, so no time-out fires early however slow
/// the machine; every wait is bounded in real time so a test never hangs.
/// </summary>
internal static class FakeClock
{
    private static readonly TimeSpan RealLimit = TimeSpan.FromSeconds(5);

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var limit = DateTime.UtcNow + RealLimit;
        while (!condition() && DateTime.UtcNow < limit)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "the condition did not hold in time");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, then advances the clock by <paramref name="by"/>.</summary>
    public static async Task AdvanceWhenAsync(this FakeTimeProvider time, Func<bool> condition, TimeSpan by)
    {
        await WaitUntilAsync(condition);
        time.Advance(by);
    }

    /// <summary>
    /// Advances the clock by <paramref name="step"/> until <paramref name="condition"/> holds, for a timer the driver
    /// sets at a moment the test cannot see; at most <paramref name="maxSteps"/> steps.
    /// </summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> condition, TimeSpan step, int maxSteps = 20)
    {
        for (var i = 0; i < maxSteps && !condition(); i++)
        {
            time.Advance(step);
            var limit = DateTime.UtcNow + TimeSpan.FromMilliseconds(250);
            while (!condition() && DateTime.UtcNow < limit)
            {
                await Task.Delay(5);
            }
        }

        Assert.True(condition(), "the condition did not hold in time");
    }

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(RealLimit);

    public static Task Bounded(this Task task) => task.WaitAsync(RealLimit);
}
