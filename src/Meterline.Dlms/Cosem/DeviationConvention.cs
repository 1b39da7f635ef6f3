namespace Meterline.Dlms.Cosem;

/// <summary>
/// How the deviation field of a COSEM date-time relates to UTC. The Blue Book (4.1.6.1, "Date and time formats")
/// defines deviation as minutes from local time to UTC, so UTC+01:00 is encoded as −60. Several companion
/// specifications, IS 15959 among them, encode the offset the other way round (UTC+05:30 as +330). A meter profile
/// says which one its meters use.
/// </summary>
public enum DeviationConvention
{
    /// <summary>Blue Book: deviation = UTC − local time, in minutes (UTC+01:00 → −60).</summary>
    BlueBook = 0,

    /// <summary>Companion specifications such as IS 15959: deviation = local time − UTC (UTC+05:30 → +330).</summary>
    LocalMinusUtc = 1,
}
