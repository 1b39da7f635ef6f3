using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Finds the intervals a meter should have reported over the look-back window and the store does not hold: the
/// expected interval ends (multiples of the interval since the Unix epoch, from now − look-back to now − grace) minus
/// the stored times of the block import quantity, merged into ranges.
/// </summary>
public sealed class GapDetector
{
    private readonly IReadingStore _store;
    private readonly TimeProvider _time;

    public GapDetector(IReadingStore store, GapDetectorOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? new GapDetectorOptions();
        Options.Validate();
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    public GapDetectorOptions Options { get; }

    /// <summary>The missing ranges of one meter, oldest first.</summary>
    public async Task<IReadOnlyList<GapRange>> FindGapsAsync(MeterId meter, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var first = CeilingToInterval(now - Options.LookBack, Options.Interval);
        var last = FloorToInterval(now - Options.Grace, Options.Interval);
        if (last < first)
        {
            return [];
        }

        var stored = await _store.GetIntervalTimesAsync(meter, Options.Quantity, first, last + TimeSpan.FromTicks(1), cancellationToken).ConfigureAwait(false);
        return FindGaps(stored, first, last, Options.Interval);
    }

    /// <summary>
    /// The ranges of interval ends in [<paramref name="first"/>, <paramref name="last"/>] (stepping by
    /// <paramref name="interval"/>) that are not in <paramref name="stored"/>; times off the grid are ignored.
    /// </summary>
    public static IReadOnlyList<GapRange> FindGaps(IEnumerable<DateTimeOffset> stored, DateTimeOffset first, DateTimeOffset last, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        if ((last - first).Ticks / interval.Ticks > GapDetectorOptions.MaxIntervals)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, $"At most {GapDetectorOptions.MaxIntervals} intervals are checked at once.");
        }

        var present = stored.Select(t => t.UtcTicks).ToHashSet();
        var gaps = new List<GapRange>();
        DateTimeOffset? start = null;
        var count = 0;
        for (var t = first; t <= last; t += interval)
        {
            if (!present.Contains(t.UtcTicks))
            {
                start ??= t;
                count++;
                continue;
            }

            if (start is { } s)
            {
                gaps.Add(new GapRange(s, t - interval, count));
                start = null;
                count = 0;
            }
        }

        if (start is { } open)
        {
            gaps.Add(new GapRange(open, FloorToInterval(last, interval, first), count));
        }

        return gaps;
    }

    private static DateTimeOffset FloorToInterval(DateTimeOffset t, TimeSpan interval)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - Mod(ticks, interval.Ticks));
    }

    private static DateTimeOffset FloorToInterval(DateTimeOffset last, TimeSpan interval, DateTimeOffset first) =>
        first.AddTicks((last - first).Ticks / interval.Ticks * interval.Ticks);

    private static DateTimeOffset CeilingToInterval(DateTimeOffset t, TimeSpan interval)
    {
        var floor = FloorToInterval(t, interval);
        return floor == t ? floor : floor + interval;
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
