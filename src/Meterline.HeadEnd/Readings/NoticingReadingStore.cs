using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// The reading store as written other than through the ingest feed (back-fill, on-demand reads, the API): after each
/// write that stored new readings or events it tells <see cref="Written"/> their meters, so that followers holding those
/// meters' windows in memory (<see cref="HeldWindows"/>) drop them and read them from the store again. The ingest
/// pipeline writes through the inner store: its records reach the followers through the feed.
/// </summary>
public sealed class NoticingReadingStore(IReadingStore inner) : IReadingStore
{
    private readonly IReadingStore _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private volatile Action<IEnumerable<MeterId>>? _written;

    /// <summary>Called with the meters of each write that stored something new, after its commit (several listeners combine).</summary>
    public event Action<IEnumerable<MeterId>>? Written
    {
        add
        {
            lock (_inner)
            {
                _written += value;
            }
        }

        remove
        {
            lock (_inner)
            {
                _written -= value;
            }
        }
    }

    public async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = await _inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        if ((result.ReadingsInserted > 0 || result.EventsInserted > 0) && _written is { } written)
        {
            written(batch.Readings.Select(r => r.Meter).Concat(batch.Events.Select(e => e.Meter)).Distinct().ToList());
        }

        return result;
    }

    public Task<Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _inner.GetIntervalTimesAsync(meter, quantity, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default) =>
        _inner.GetLatestIntervalTimesAsync(quantity, cancellationToken);

    public Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _inner.GetBillingSnapshotsAsync(meter, from, to, cancellationToken);

    public Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        _inner.GetEventsAsync(meter, from, to, limit, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> GetReadingsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken = default) =>
        _inner.GetReadingsOfMetersAsync(meters, from, to, quantities, maxPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> GetEventsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken = default) =>
        _inner.GetEventsOfMetersAsync(meters, from, to, limitPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> GetBillingSnapshotsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _inner.GetBillingSnapshotsOfMetersAsync(meters, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default) => _inner.GetPushCountersAsync(cancellationToken);

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default) => _inner.CountReadingsAsync(meter, cancellationToken);
}
