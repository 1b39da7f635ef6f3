using Microsoft.Extensions.Time.Testing;

namespace Meterline.Zigbee.Tests.Driver;

internal static class FakeClock
{
    /// <summary>
    /// Advances <paramref name="time"/> in steps until <paramref name="task"/> completes; bounded by a real-time limit so
    /// a test never hangs.
    /// </summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!task.IsCompleted && DateTime.UtcNow < limit)
        {
            await Task.Delay(5);
            time.Advance(step);
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(1));
    }
}
