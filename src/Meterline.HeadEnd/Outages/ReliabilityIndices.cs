namespace Meterline.HeadEnd.Outages;

/// <summary>
/// A feeder's reliability over a period, after IEEE 1366 (docs/outages.md): SAIDI, SAIFI and MAIFI per customer
/// served; null when the feeder serves no registered customer.
/// </summary>
/// <param name="FeederId">The feeder.</param>
/// <param name="From">The period's start (inclusive).</param>
/// <param name="To">The period's end (exclusive).</param>
/// <param name="CustomersServed">Meters registered on the feeder.</param>
/// <param name="SustainedInterruptions">Customer interruptions longer than the sustained threshold that began in the period.</param>
/// <param name="MomentaryInterruptions">Customer interruptions as long as the threshold or shorter, restored, that began in the period.</param>
/// <param name="OngoingInterruptions">Interruptions that began in the period, are not restored and are not yet longer than the threshold (not counted yet).</param>
/// <param name="CustomerMinutes">The sum of the sustained interruptions' durations, minutes (an ongoing one to the time of the calculation).</param>
/// <param name="Saidi">System average interruption duration: customer minutes / customers served.</param>
/// <param name="Saifi">System average interruption frequency: sustained interruptions / customers served.</param>
/// <param name="Maifi">Momentary average interruption frequency: momentary interruptions / customers served.</param>
/// <param name="Caidi">Customer average interruption duration: SAIDI / SAIFI, minutes; null without sustained interruptions.</param>
/// <param name="Outages">The outages that counted.</param>
public sealed record ReliabilityIndices(
    string FeederId,
    DateTimeOffset From,
    DateTimeOffset To,
    int CustomersServed,
    int SustainedInterruptions,
    int MomentaryInterruptions,
    int OngoingInterruptions,
    double CustomerMinutes,
    double? Saidi,
    double? Saifi,
    double? Maifi,
    double? Caidi,
    IReadOnlyList<OutageId> Outages);
