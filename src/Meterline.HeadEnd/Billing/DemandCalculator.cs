using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A billing month's recorded maximum demand (active import, kW) from stored data — a pure function over authenticated
/// values only:
/// <list type="number">
/// <item>the maximum demand register (1.0.1.6.0.255, W) of the billing snapshot that closes the month (the one nearest
/// the month's end, within <see cref="ConsumptionCalculator.SnapshotTolerance"/>), with the time the meter captured it;</item>
/// <item>else the highest average power over one demand integration period of the month: the block energy
/// (1.0.1.29.0.255) of the intervals ending in the period, summed, × 60 ÷ the period's minutes. Periods are aligned to
/// local midnight in the tariff's time zone and an interval belongs to the period holding the instant just before its
/// end, so a 15-minute load profile fills a 30-minute period with two blocks.</item>
/// </list>
/// Null when neither exists.
/// </summary>
public static class DemandCalculator
{
    public static MaximumDemand? Compute(
        BillingMonth month,
        TimeZoneInfo zone,
        IReadOnlyList<BillingSnapshot> snapshots,
        IReadOnlyList<IntervalReading> intervals,
        int integrationMinutes)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentOutOfRangeException.ThrowIfLessThan(integrationMinutes, 1);
        var (start, end) = month.Bounds(zone);
        if (ConsumptionCalculator.Nearest(snapshots, end) is { } closing
            && ConsumptionCalculator.Register(closing, Quantity.MaximumDemand) is { } watts && watts >= 0)
        {
            return new MaximumDemand(ConsumptionCalculator.Kwh(watts), closing.MaximumDemandAt, DemandSource.BillingSnapshot, null);
        }

        var periodTicks = TimeSpan.FromMinutes(integrationMinutes).Ticks;
        var periods = new Dictionary<(TimeSpan Offset, long Index), decimal>();
        foreach (var block in intervals)
        {
            if (block.Quantity != Quantity.BlockImportEnergy || !ConsumptionCalculator.Billable(block.Quality)
                || block.Time <= start || block.Time > end || block.Value < 0 || !double.IsFinite(block.Value))
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTime(block.Time.AddTicks(-1), zone);
            var key = (local.Offset, local.DateTime.Ticks / periodTicks);
            periods[key] = periods.GetValueOrDefault(key) + (decimal)block.Value;
        }

        if (periods.Count == 0)
        {
            return null;
        }

        // The highest; of equal ones the earliest.
        var best = periods.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Index).First();
        var periodEnd = new DateTimeOffset(new DateTime((best.Key.Index + 1) * periodTicks, DateTimeKind.Unspecified), best.Key.Offset).ToUniversalTime();
        var kw = ConsumptionCalculator.Kwh(best.Value * 60m / integrationMinutes);
        return new MaximumDemand(kw, periodEnd, DemandSource.IntervalData, integrationMinutes);
    }
}
