namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// A feeder's power quality over a period: its meters' summaries added up, and the meters, worst first (most minutes
/// out of band, then most low power factor readings).
/// </summary>
/// <param name="FeederId">The feeder.</param>
/// <param name="From">The period's start.</param>
/// <param name="To">The period's end (exclusive).</param>
/// <param name="Meters">Meters registered on the feeder.</param>
/// <param name="MetersWithData">Those with block voltages in the period.</param>
/// <param name="MetersWithExcursions">Those with an interval out of band, a low power factor or a voltage event.</param>
/// <param name="Total">The sums (counts, minutes), the extremes and the interval-weighted mean voltage over all meters, as one summary of meter 0.</param>
/// <param name="ByMeter">Each meter's summary with its serial, worst first.</param>
public sealed record FeederPowerQuality(
    string FeederId,
    DateTimeOffset From,
    DateTimeOffset To,
    int Meters,
    int MetersWithData,
    int MetersWithExcursions,
    PowerQualitySummary Total,
    IReadOnlyList<MeterPowerQuality> ByMeter);
