using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// What one write transaction stores: readings, billing snapshots, events, and the highest invocation counter
/// accepted from each meter's pushes in this batch (so that after a crash the replay guard starts where the stored
/// data ends), and the northbound messages describing it (<see cref="Outbox"/>). All or nothing; every part but the
/// outbox idempotent (a batch written twice queues its messages twice, with the same message ids).
/// </summary>
public sealed record IngestBatch(
    IReadOnlyList<IntervalReading> Readings,
    IReadOnlyList<BillingSnapshot> BillingSnapshots,
    IReadOnlyList<MeterEvent> Events,
    IReadOnlyDictionary<MeterId, uint> PushCounters)
{
    public static readonly IngestBatch Empty = new([], [], [], new Dictionary<MeterId, uint>());

    /// <summary>Northbound messages written into the outbox in the same transaction (none unless northbound publishing is on).</summary>
    public IReadOnlyList<OutboxEntry> Outbox { get; init; } = [];

    /// <summary>
    /// The meters heard in this batch and when (the latest receipt each): a store that can marks them online with
    /// their last-heard time in the same transaction and says so (<see cref="IngestResult.MetersHeardMarked"/>); the
    /// ingest pipeline marks them through the meter registry otherwise.
    /// </summary>
    public IReadOnlyDictionary<MeterId, DateTimeOffset> MetersHeard { get; init; } = new Dictionary<MeterId, DateTimeOffset>();

    public bool IsEmpty => Readings.Count == 0 && BillingSnapshots.Count == 0 && Events.Count == 0 && PushCounters.Count == 0 && Outbox.Count == 0 && MetersHeard.Count == 0;
}
