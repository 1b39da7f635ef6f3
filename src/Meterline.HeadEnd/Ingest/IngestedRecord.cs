using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>A record the pipeline has committed, as published to subscribers (analytics, live feed).</summary>
public abstract record IngestedRecord(MeterId Meter)
{
    /// <summary>The time the record is of: a reading's interval end, an event's occurrence, a snapshot's capture.</summary>
    public abstract DateTimeOffset At { get; }
}
