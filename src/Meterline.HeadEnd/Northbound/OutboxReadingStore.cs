using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The reading store with northbound publishing: each batch written (by the ingest pipeline, back-fill, on-demand
/// reads) carries its northbound messages into the outbox in the same transaction, so a committed reading is always
/// published eventually and a batch that was not committed publishes nothing. When the outbox is full the write is
/// refused whole (<see cref="OutboxFullException"/>): nothing is stored that would not be published.
/// </summary>
public sealed class OutboxReadingStore(IReadingStore inner, NorthboundMessages messages, OutboxGauge gauge, NorthboundMetrics metrics, TimeProvider? time = null) : IReadingStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entries = messages.Compose(batch, _time.GetUtcNow());
        if (entries.Count == 0)
        {
            return await inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        if (!gauge.TryReserve(entries.Count))
        {
            metrics.OnOutboxFull();
            throw new OutboxFullException($"The northbound outbox holds {gauge.Count} of at most {gauge.MaxMessages} messages; the batch is refused until the broker takes some.");
        }

        IngestResult result;
        try
        {
            result = await inner.WriteAsync(batch with { Outbox = [.. batch.Outbox, .. entries] }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            gauge.Release(entries.Count);
            throw;
        }

        metrics.OnQueued(entries.Count);
        gauge.Appended();
        return result;
    }

    public Task<Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        inner.GetIntervalTimesAsync(meter, quantity, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default) =>
        inner.GetLatestIntervalTimesAsync(quantity, cancellationToken);

    public Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        inner.GetBillingSnapshotsAsync(meter, from, to, cancellationToken);

    public Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        inner.GetEventsAsync(meter, from, to, limit, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> GetReadingsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken = default) =>
        inner.GetReadingsOfMetersAsync(meters, from, to, quantities, maxPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> GetBillingSnapshotsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        inner.GetBillingSnapshotsOfMetersAsync(meters, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> GetEventsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken = default) =>
        inner.GetEventsOfMetersAsync(meters, from, to, limitPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default) => inner.GetPushCountersAsync(cancellationToken);

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default) => inner.CountReadingsAsync(meter, cancellationToken);
}
