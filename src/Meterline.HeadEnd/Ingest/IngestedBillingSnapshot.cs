using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

public sealed record IngestedBillingSnapshot(BillingSnapshot Snapshot) : IngestedRecord(Snapshot.Meter)
{
    public override DateTimeOffset At => Snapshot.CapturedAt;
}
