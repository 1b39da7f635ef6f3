using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

public sealed record IngestedEvent(MeterEvent Event) : IngestedRecord(Event.Meter)
{
    public override DateTimeOffset At => Event.OccurredAt;
}
