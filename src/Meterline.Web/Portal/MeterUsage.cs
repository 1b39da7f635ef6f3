namespace Meterline.Web.Portal;

/// <summary>
/// A meter's energy per day (the 30 days up to its newest interval) and per month (the 12 months up to it), in the
/// utility's calendar; empty when the meter has sent no interval yet.
/// </summary>
/// <param name="Latest">The end of the meter's newest interval, if any.</param>
public sealed record MeterUsage(DateTimeOffset? Latest, IReadOnlyList<UsageBar> Days, IReadOnlyList<UsageBar> Months)
{
    public static readonly MeterUsage None = new(null, [], []);
}
