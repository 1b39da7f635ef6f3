using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// The argument checks of the several-meter reads of <see cref="IReadingStore"/>, and their one-meter-at-a-time form for
/// stores that have no single query for them (the in-memory stores of tests).
/// </summary>
public static class MeterReads
{
    /// <summary>Checks the arguments of a several-meter read; the distinct meters, ascending.</summary>
    public static List<MeterId> Check(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int maxPerMeter)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerMeter, 1);
        if (to <= from || to - from > ReadingQuery.MaxSpan)
        {
            throw new ArgumentException($"A reading query spans more than nothing and at most {ReadingQuery.MaxSpan.TotalDays} days.", nameof(to));
        }

        var distinct = meters.Distinct().Order().ToList();
        if (distinct.Count > IReadingStore.MaxMetersPerRead)
        {
            throw new ArgumentException($"A several-meter read names at most {IReadingStore.MaxMetersPerRead} meters.", nameof(meters));
        }

        return distinct;
    }

    public static async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> ReadingsOneByOneAsync(
        IReadingStore store, IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(quantities);
        var result = new Dictionary<MeterId, IReadOnlyList<IntervalReading>>();
        foreach (var meter in Check(meters, from, to, maxPerMeter))
        {
            var found = new List<IntervalReading>();
            string? token = null;
            do
            {
                var page = await store.QueryAsync(new ReadingQuery(meter, from, to, quantities, ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
                found.AddRange(page.Items);
                token = page.NextPageToken;
            }
            while (token is not null && found.Count < maxPerMeter);

            if (found.Count > maxPerMeter)
            {
                found.RemoveRange(maxPerMeter, found.Count - maxPerMeter);
            }

            if (found.Count > 0)
            {
                result[meter] = found;
            }
        }

        return result;
    }

    public static async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> EventsOneByOneAsync(
        IReadingStore store, IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = new Dictionary<MeterId, IReadOnlyList<MeterEvent>>();
        foreach (var meter in Check(meters, from, to, limitPerMeter))
        {
            var found = await store.GetEventsAsync(meter, from, to, limitPerMeter, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                result[meter] = found;
            }
        }

        return result;
    }

    /// <summary>Checks the meters of a several-meter read of snapshots (any span, as the one-meter read); the distinct meters, ascending.</summary>
    public static List<MeterId> CheckMeters(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(meters);
        if (to <= from)
        {
            throw new ArgumentException("A several-meter read spans more than nothing.", nameof(to));
        }

        var distinct = meters.Distinct().Order().ToList();
        return distinct.Count <= IReadingStore.MaxMetersPerRead
            ? distinct
            : throw new ArgumentException($"A several-meter read names at most {IReadingStore.MaxMetersPerRead} meters.", nameof(meters));
    }

    public static async Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> SnapshotsOneByOneAsync(
        IReadingStore store, IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = new Dictionary<MeterId, IReadOnlyList<BillingSnapshot>>();
        foreach (var meter in CheckMeters(meters, from, to))
        {
            var found = await store.GetBillingSnapshotsAsync(meter, from, to, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                result[meter] = found;
            }
        }

        return result;
    }
}
