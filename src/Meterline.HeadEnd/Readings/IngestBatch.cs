using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// What one write transaction stores: readings, billing snapshots, events, and the highest invocation counter
/// accepted from each meter's pushes in this batch (so that after a crash the replay guard starts where the stored
/// data ends). All or nothing; every part idempotent.
/// </summary>
public sealed record IngestBatch(
    IReadOnlyList<IntervalReading> Readings,
    IReadOnlyList<BillingSnapshot> BillingSnapshots,
    IReadOnlyList<MeterEvent> Events,
    IReadOnlyDictionary<MeterId, uint> PushCounters)
{
    public static readonly IngestBatch Empty = new([], [], [], new Dictionary<MeterId, uint>());

    public bool IsEmpty => Readings.Count == 0 && BillingSnapshots.Count == 0 && Events.Count == 0 && PushCounters.Count == 0;
}
