using System.Diagnostics;

namespace Meterline.Ingress.Tests;

/// <summary>The honest meters' schedule, whatever their transport.</summary>
internal static class PacedPushes
{
    /// <summary>
    /// Every one of <paramref name="meters"/> meters sends its next <paramref name="pushes"/> pushes through
    /// <paramref name="sendOne"/> (which returns the push's latency in ms, NaN when lost), one every
    /// <paramref name="period"/>, the meters staggered over the period; returns every latency.
    /// </summary>
    public static async Task<List<double>> RunAsync(int meters, int pushes, TimeSpan period, Func<int, Task<double>> sendOne)
    {
        var runs = Enumerable.Range(0, meters).Select(async m =>
        {
            var latencies = new List<double>(pushes);
            await Task.Delay(period * m / meters);
            var started = Stopwatch.GetTimestamp();
            for (var p = 0; p < pushes; p++)
            {
                latencies.Add(await sendOne(m));
                var due = period * (p + 1) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            return latencies;
        });
        return [.. (await Task.WhenAll(runs)).SelectMany(l => l)];
    }
}
