using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>A real reading store whose writes can be held at a gate (the batch writer blocks there until released).</summary>
internal sealed class GatedReadingStore(IReadingStore inner) : IReadingStore
{
    private TaskCompletionSource _gate = Opened();
    private int _attempts;

    /// <summary>Writes that reached the gate.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _attempts);
        await _gate.Task.WaitAsync(cancellationToken);
        return await inner.WriteAsync(batch, cancellationToken);
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

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default) => inner.GetPushCountersAsync(cancellationToken);

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default) => inner.CountReadingsAsync(meter, cancellationToken);

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
