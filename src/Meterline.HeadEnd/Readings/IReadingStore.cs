using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>Storage of readings, billing snapshots, events and accepted push counters.</summary>
public interface IReadingStore
{
    /// <summary>
    /// Stores a batch in one durable transaction (it has reached the disk when the task completes) and returns how
    /// many rows were new. Rows already stored are left as they are; a push counter only ever goes up.
    /// </summary>
    Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default);

    Task<Meters.Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default);

    /// <summary>The times of the stored intervals of a quantity in [from, to), ascending (gap detection).</summary>
    Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The latest stored interval time of a quantity for each meter that has one.</summary>
    Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Events of one meter (or of all when null) in [from, to), newest first, at most <paramref name="limit"/> (1 to 10,000).</summary>
    Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);

    /// <summary>The highest push invocation counter stored for every meter (loads the replay guard at start).</summary>
    Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default);

    /// <summary>Total readings stored (for status pages and tests).</summary>
    Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default);
}
