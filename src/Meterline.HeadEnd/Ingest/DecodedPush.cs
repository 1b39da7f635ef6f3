using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>One authenticated push as domain records, with the invocation counter it carried.</summary>
/// <param name="Meter">The meter it came from (its system title authenticated, its serial checked).</param>
/// <param name="InvocationCounter">The counter of the secured APDU, committed with the data.</param>
/// <param name="Kind">What it carries.</param>
/// <param name="IsPriority">True for alerts (and anything the meter sent with high priority): they go ahead of usage data.</param>
/// <param name="Readings">Interval readings (quality Authenticated, plus ClockDoubtful where the meter said so).</param>
/// <param name="BillingSnapshots">Billing profile entries.</param>
/// <param name="Events">Events with their instantaneous values.</param>
public sealed record DecodedPush(
    MeterId Meter,
    uint InvocationCounter,
    PushKind Kind,
    bool IsPriority,
    IReadOnlyList<IntervalReading> Readings,
    IReadOnlyList<BillingSnapshot> BillingSnapshots,
    IReadOnlyList<MeterEvent> Events)
{
    /// <summary>Rows it will write.</summary>
    public int RecordCount => Readings.Count + BillingSnapshots.Count + Events.Count;
}
