using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

public sealed record IngestedReading(IntervalReading Reading) : IngestedRecord(Reading.Meter)
{
    public override DateTimeOffset At => Reading.Time;
}
