using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
namespace Meterline.HeadEnd.Testing;

/// <summary>
/// A reading store (in memory, or a real SQLite/PostgreSQL one) whose writes can be held at a gate — the batch writer
/// blocks there until released — and that records every batch it was asked to write (including failed ones).
/// </summary>
/// <typeparam name="TStore">The store written through.</typeparam>
public sealed class GatedReadingStore<TStore>(TStore inner) : IReadingStore
    where TStore : IReadingStore
{
    private readonly Lock _lock = new();
    private readonly List<IngestBatch> _attempts = [];
    private TaskCompletionSource _gate = Open();

    public TStore Inner { get; } = inner;

    /// <summary>Writes that reached the store (before the gate).</summary>
    public IReadOnlyList<IngestBatch> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _attempts.Add(batch);
        }

        await _gate.Task.WaitAsync(cancellationToken);
        return await Inner.WriteAsync(batch, cancellationToken);
    }

    public Task<Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default) => Inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Inner.GetIntervalTimesAsync(meter, quantity, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default) =>
        Inner.GetLatestIntervalTimesAsync(quantity, cancellationToken);

    public Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Inner.GetBillingSnapshotsAsync(meter, from, to, cancellationToken);

    public Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        Inner.GetEventsAsync(meter, from, to, limit, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>>> GetReadingsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity> quantities, int maxPerMeter, CancellationToken cancellationToken = default) =>
        Inner.GetReadingsOfMetersAsync(meters, from, to, quantities, maxPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>> GetBillingSnapshotsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Inner.GetBillingSnapshotsOfMetersAsync(meters, from, to, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>>> GetEventsOfMetersAsync(IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, int limitPerMeter, CancellationToken cancellationToken = default) =>
        Inner.GetEventsOfMetersAsync(meters, from, to, limitPerMeter, cancellationToken);

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default) => Inner.GetPushCountersAsync(cancellationToken);

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default) => Inner.CountReadingsAsync(meter, cancellationToken);

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
