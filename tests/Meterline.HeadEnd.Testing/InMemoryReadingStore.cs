using System.Globalization;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Testing;

/// <summary>Readings, snapshots, events and push counters in memory, for unit tests. Counts its writes.</summary>
public sealed class InMemoryReadingStore : IReadingStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<(long Ticks, int Meter, short Quantity), IntervalReading> _readings = [];
    private readonly Dictionary<(int Meter, long Ticks), BillingSnapshot> _snapshots = [];
    private readonly Dictionary<(int Meter, long Ticks, int Code), MeterEvent> _events = [];
    private readonly Dictionary<MeterId, uint> _pushCounters = [];

    /// <summary>Batches written (successful transactions).</summary>
    public int Writes { get; private set; }

    /// <summary>When set, the next write throws it and stores nothing (a failed transaction).</summary>
    public Exception? FailNextWrite { get; set; }

    public Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            if (FailNextWrite is { } failure)
            {
                FailNextWrite = null;
                throw failure;
            }

            var readings = batch.Readings.Count(r => _readings.TryAdd((r.Time.UtcTicks, r.Meter.Value, r.Quantity.Code), r));
            var snapshots = batch.BillingSnapshots.Count(s => _snapshots.TryAdd((s.Meter.Value, s.CapturedAt.UtcTicks), s));
            var events = batch.Events.Count(e => _events.TryAdd((e.Meter.Value, e.OccurredAt.UtcTicks, e.Code), e));
            foreach (var (meter, counter) in batch.PushCounters)
            {
                _pushCounters[meter] = Math.Max(counter, _pushCounters.GetValueOrDefault(meter));
            }

            Writes++;
            return Task.FromResult(new IngestResult(readings, snapshots, events));
        }
    }

    public Task<Page<IntervalReading>> QueryAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = query.PageToken is null ? -1 : long.Parse(query.PageToken, CultureInfo.InvariantCulture);
        lock (_lock)
        {
            var rows = _readings.Values
                .Where(r => r.Meter == query.Meter && r.Time >= query.From && r.Time < query.To && (query.Quantities.Count == 0 || query.Quantities.Contains(r.Quantity)))
                .OrderBy(r => r.Time).ThenBy(r => r.Quantity.Code)
                .Select((r, i) => (r, i)).Where(x => x.i > after).Take(query.PageSize + 1).ToList();
            var next = rows.Count > query.PageSize ? rows[query.PageSize - 1].i.ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new Page<IntervalReading>(rows.Take(query.PageSize).Select(x => x.r).ToList(), next));
        }
    }

    public Task<IReadOnlyList<DateTimeOffset>> GetIntervalTimesAsync(MeterId meter, Quantity quantity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<DateTimeOffset> times = _readings.Values.Where(r => r.Meter == meter && r.Quantity == quantity && r.Time >= from && r.Time < to)
                .Select(r => r.Time).Order().ToList();
            return Task.FromResult(times);
        }
    }

    public Task<IReadOnlyDictionary<MeterId, DateTimeOffset>> GetLatestIntervalTimesAsync(Quantity quantity, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyDictionary<MeterId, DateTimeOffset> latest = _readings.Values.Where(r => r.Quantity == quantity)
                .GroupBy(r => r.Meter).ToDictionary(g => g.Key, g => g.Max(r => r.Time));
            return Task.FromResult(latest);
        }
    }

    public Task<IReadOnlyList<BillingSnapshot>> GetBillingSnapshotsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<BillingSnapshot> list = _snapshots.Values.Where(s => s.Meter == meter && s.CapturedAt >= from && s.CapturedAt < to).OrderBy(s => s.CapturedAt).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<MeterEvent>> GetEventsAsync(MeterId? meter, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<MeterEvent> list = _events.Values.Where(e => (meter is null || e.Meter == meter) && e.OccurredAt >= from && e.OccurredAt < to)
                .OrderByDescending(e => e.OccurredAt).Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyDictionary<MeterId, uint>> GetPushCountersAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyDictionary<MeterId, uint> copy = new Dictionary<MeterId, uint>(_pushCounters);
            return Task.FromResult(copy);
        }
    }

    public Task<long> CountReadingsAsync(MeterId? meter = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_readings.Values.Count(r => meter is null || r.Meter == meter));
        }
    }
}
