using System.Diagnostics;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>Durations of completed operations (thread-safe, bounded) and their percentiles.</summary>
internal sealed class Latencies
{
    private const int MaxSamples = 1_000_000;
    private readonly List<double> _milliseconds = [];
    private long _failures;

    public int Count
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    public long Failures => Interlocked.Read(ref _failures);

    public void Add(long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (_milliseconds)
        {
            if (_milliseconds.Count < MaxSamples)
            {
                _milliseconds.Add(elapsed);
            }
        }
    }

    public void Fail() => Interlocked.Increment(ref _failures);

    /// <summary>The <paramref name="percentile"/> (0-100) by the nearest-rank method; NaN with no sample.</summary>
    public double Percentile(double percentile)
    {
        double[] sorted;
        lock (_milliseconds)
        {
            sorted = [.. _milliseconds];
        }

        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
