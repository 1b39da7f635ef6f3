namespace Meterline.Server.Outages;

/// <summary>A feeder's reliability indices over a period, with the definitions they follow.</summary>
public sealed record ReliabilityResponse(
    string Feeder,
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
    double SustainedThresholdMinutes,
    IReadOnlyList<long> Outages,
    string Method)
{
    public const string MethodText =
        "After IEEE 1366. Each affected meter of an outage on the feeder is one customer interruption, counted in the period it began in, with its whole duration. " +
        "Longer than the sustained threshold: sustained (SAIDI = customer minutes / customers served, SAIFI = sustained interruptions / customers served, CAIDI = SAIDI / SAIFI); " +
        "as long or shorter and restored: momentary (MAIFI = momentary interruptions / customers served). One still going on counts as sustained, with its duration so far, " +
        "once longer than the threshold; until then it is ongoing. Customers served: the meters registered on the feeder now.";
}
