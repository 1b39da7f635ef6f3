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

    /// <summary>
    /// The readings of several meters (at most <see cref="MaxMetersPerRead"/>) in [from, to) of <paramref name="quantities"/>
    /// (all when empty), in one store read: per meter ascending by time then quantity, at most <paramref name="maxPerMeter"/>
    /// each; a meter without readings has no entry. The followers read a round's meters with it instead of one query each.
    /// </summary>
    Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> GetReadingsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken = default) =>
        MeterReads.ReadingsOneByOneAsync(this, meters, from, to, quantities, maxPerMeter, cancellationToken);

    /// <summary>
    /// The events of several meters (at most <see cref="MaxMetersPerRead"/>) in [from, to), in one store read: per meter newest
    /// first, at most <paramref name="limitPerMeter"/> (1 to 10,000) each; a meter without events has no entry.
    /// </summary>
    Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> GetEventsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken = default) =>
        MeterReads.EventsOneByOneAsync(this, meters, from, to, limitPerMeter, cancellationToken);

    /// <summary>
    /// The billing snapshots of several meters (at most <see cref="MaxMetersPerRead"/>) captured in [from, to), in one
    /// store read: per meter as <see cref="GetBillingSnapshotsAsync"/> returns them; a meter without snapshots has no entry.
    /// </summary>
    Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> GetBillingSnapshotsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        MeterReads.SnapshotsOneByOneAsync(this, meters, from, to, cancellationToken);

    /// <summary>The most meters one <see cref="GetReadingsOfMetersAsync(IReadOnlyCollection{MeterId}, DateTimeOffset, DateTimeOffset, IReadOnlyList{Quantity}, int, CancellationToken)"/> or events read names.</summary>
    const int MaxMetersPerRead = 1_000;

    /// <summary>The highest push invocation counter stored for every meter (loads the replay guard at start).</summary>
    Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default);

    /// <summary>Total readings stored (for status pages and tests).</summary>
    Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default);
}
