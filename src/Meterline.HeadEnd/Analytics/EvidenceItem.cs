namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// One fact that made a rule fire: a reading, an event or a value the rule computed (a baseline, a ratio), at a time,
/// so that an operator can judge the alert without re-running the rule.
/// </summary>
/// <param name="Time">When the fact holds (the interval's end, the event's time).</param>
/// <param name="Kind">reading, event or computed.</param>
/// <param name="Name">What it is: the quantity's name, the event's code and name, or the computed value's name.</param>
/// <param name="Value">Its value, if it has one.</param>
/// <param name="Unit">The value's unit, if any.</param>
public sealed record EvidenceItem(DateTimeOffset Time, string Kind, string Name, double? Value = null, string? Unit = null)
{
    public const string Reading = "reading";
    public const string Event = "event";
    public const string Computed = "computed";
}
