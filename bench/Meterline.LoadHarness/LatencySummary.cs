using System.Globalization;

namespace Meterline.LoadHarness;

/// <summary>Percentiles of a set of latencies (nearest rank).</summary>
internal sealed record LatencySummary(int Count, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max, TimeSpan Mean)
{
    public static LatencySummary Of(IReadOnlyCollection<TimeSpan> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new LatencySummary(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        var sorted = samples.Order().ToArray();
        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1],
            TimeSpan.FromTicks((long)sorted.Average(s => s.Ticks)));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count}  p50 {Ms(P50)}  p90 {Ms(P90)}  p99 {Ms(P99)}  max {Ms(Max)}  mean {Ms(Mean)}");

    private static TimeSpan Rank(TimeSpan[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
