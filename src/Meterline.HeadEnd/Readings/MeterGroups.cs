using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// Groups a follower's round of meters for several-meter reads: meters whose window ends lie within a spread of each other
/// share one read of the union of their windows (each meter's own window is cut from it in memory), at most
/// <see cref="IReadingStore.MaxMetersPerRead"/> to a group.
/// </summary>
public static class MeterGroups
{
    /// <summary>The spread of window ends that share one read (the union read is the window plus this much).</summary>
    public static readonly TimeSpan Spread = TimeSpan.FromHours(1);

    /// <summary>The groups, each ascending by meter; a group's ends span at most <paramref name="spread"/>.</summary>
    public static List<List<(MeterId Meter, DateTimeOffset End)>> ByEnd(IEnumerable<(MeterId Meter, DateTimeOffset End)> meters, TimeSpan spread)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var groups = new List<List<(MeterId Meter, DateTimeOffset End)>>();
        List<(MeterId Meter, DateTimeOffset End)>? current = null;
        var first = DateTimeOffset.MinValue;
        foreach (var entry in meters.OrderBy(m => m.End).ThenBy(m => m.Meter))
        {
            if (current is null || entry.End - first > spread || current.Count >= IReadingStore.MaxMetersPerRead)
            {
                current = [];
                groups.Add(current);
                first = entry.End;
            }

            current.Add(entry);
        }

        foreach (var group in groups)
        {
            group.Sort((a, b) => a.Meter.CompareTo(b.Meter));
        }

        return groups;
    }

    /// <summary>The readings of <paramref name="all"/> in [from, to) of the wanted quantities (all when empty), in their order.</summary>
    public static IEnumerable<IntervalReading> Within(IReadOnlyList<IntervalReading>? all, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<Quantity>? quantities = null) =>
        (all ?? []).Where(r => r.Time >= from && r.Time < to && (quantities is null || quantities.Count == 0 || quantities.Contains(r.Quantity)));

    /// <summary>The events of <paramref name="all"/> in [from, to), in their order.</summary>
    public static List<MeterEvent> Within(IReadOnlyList<MeterEvent>? all, DateTimeOffset from, DateTimeOffset to) =>
        (all ?? []).Where(e => e.OccurredAt >= from && e.OccurredAt < to).ToList();
}
