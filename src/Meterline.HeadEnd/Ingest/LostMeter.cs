using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A meter some of whose committed records a subscriber's feed lost, with the span of those records' times
/// (<see cref="IngestedRecord.At"/>): a follower acts on it from the store, as it would have on the records.
/// </summary>
public readonly record struct LostMeter(MeterId Meter, DateTimeOffset First, DateTimeOffset Last)
{
    /// <summary>This span widened to hold <paramref name="at"/>.</summary>
    public LostMeter Including(DateTimeOffset at) => new(Meter, at < First ? at : First, at > Last ? at : Last);
}
