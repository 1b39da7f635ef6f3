using System.Diagnostics;
using System.Globalization;

namespace Meterline.LoadHarness;

/// <summary>
/// When each push was sent and when the transport acknowledged it (PUBACK, 2.04 — after the node's commit), from many
/// clients at once. Gives the ack latency percentiles and the sustained rate: acknowledgements per second between the
/// 10th and the 90th percentile of acknowledgement times (warm-up and tail left out). Thread-safe.
/// </summary>
internal sealed class AckLog
{
    private readonly long[] _sent;
    private readonly long[] _acked;
    private int _next;
    private long _failed;
    private string? _remote;

    public AckLog(int capacity)
    {
        _sent = new long[capacity];
        _acked = new long[capacity];
    }

    public long Failed => Interlocked.Read(ref _failed);

    public int Acknowledged => Volatile.Read(ref _next);

    /// <summary>Call just before sending; returns the timestamp to hand to <see cref="OnAcknowledged"/>.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    public void OnAcknowledged(long sent, bool success)
    {
        if (!success)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var i = Interlocked.Increment(ref _next) - 1;
        if (i < _sent.Length)
        {
            _sent[i] = sent;
            _acked[i] = now;
        }
    }

    /// <summary>Takes the counts and summary of publishers in another process (<see cref="ChildPublishers"/>), which logged their acknowledgements there.</summary>
    public void Adopt(int acknowledged, long failed, string summary)
    {
        Volatile.Write(ref _remote, summary);
        Interlocked.Exchange(ref _failed, failed);
        Volatile.Write(ref _next, acknowledged);
    }

    public LatencySummary Latency()
    {
        var n = Math.Min(Acknowledged, _sent.Length);
        return LatencySummary.Of([.. Enumerable.Range(0, n).Select(i => Stopwatch.GetElapsedTime(_sent[i], _acked[i]))]);
    }

    /// <summary>Acknowledgements per second between the 10th and 90th percentile of their times; 0 with fewer than 10.</summary>
    public double SustainedRate()
    {
        var n = Math.Min(Acknowledged, _acked.Length);
        if (n < 10)
        {
            return 0;
        }

        var times = _acked.AsSpan(0, n).ToArray();
        Array.Sort(times);
        var first = (int)(n * 0.1);
        var last = (int)(n * 0.9);
        var seconds = Stopwatch.GetElapsedTime(times[first], times[last]).TotalSeconds;
        return seconds > 0 ? (last - first) / seconds : 0;
    }

    public override string ToString() => Volatile.Read(ref _remote) ?? string.Create(CultureInfo.InvariantCulture,
        $"{Acknowledged:N0} acknowledged ({Failed:N0} refused or lost); sustained {SustainedRate():N0}/s; ack latency {Latency()}");
}
