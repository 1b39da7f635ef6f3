using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>A record the pipeline has committed, as published to subscribers (analytics, live feed).</summary>
public abstract record IngestedRecord(MeterId Meter);
