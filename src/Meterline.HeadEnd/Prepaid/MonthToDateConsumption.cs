using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// A month's consumption so far from a meter's interval data, as the bill counts it but never estimated: the sum of
/// the block energy (1.0.1.29.0.255) of the intervals ending in (month start, month end] that the head-end stored from
/// authenticated APDUs (and not estimated), each interval put in a time-of-use zone by the local time just before its
/// end; in kWh to the meter's Wh resolution, rounded as <see cref="ConsumptionCalculator"/> rounds. A negative or
/// non-finite block (an integrity error the bill refuses) is left out and counted in <see cref="MonthToDateResult.Skipped"/>.
/// </summary>
public static class MonthToDateConsumption
{
    public static MonthToDateResult Compute(BillingMonth month, TimeZoneInfo zone, IReadOnlyList<IntervalReading> intervals, IReadOnlyList<TouZone> zones)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentNullException.ThrowIfNull(zones);
        var (start, end) = month.Bounds(zone);
        var totalWh = 0m;
        var zoneWh = new Dictionary<int, decimal>();
        var counted = 0;
        var skipped = 0;
        foreach (var block in intervals)
        {
            if (block.Quantity != Quantity.BlockImportEnergy || block.Time <= start || block.Time > end
                || !block.Quality.HasFlag(ReadingQuality.Authenticated) || block.Quality.HasFlag(ReadingQuality.Estimated))
            {
                continue;
            }

            if (block.Value < 0 || !double.IsFinite(block.Value))
            {
                skipped++;
                continue;
            }

            counted++;
            var wh = (decimal)block.Value;
            totalWh += wh;
            var local = TimeZoneInfo.ConvertTime(block.Time.AddTicks(-1), zone);
            var minute = (local.Hour * 60) + local.Minute;
            if (zones.FirstOrDefault(z => z.Windows.Any(w => w.Contains(minute))) is { } tariffZone)
            {
                zoneWh[tariffZone.Register] = zoneWh.GetValueOrDefault(tariffZone.Register) + wh;
            }
        }

        return new MonthToDateResult(new Consumption(Kwh(totalWh), zoneWh.ToDictionary(z => z.Key, z => Kwh(z.Value))), counted, skipped);
    }

    private static decimal Kwh(decimal wh) => Math.Round(wh / 1000m, Consumption.KwhDecimals, MidpointRounding.ToEven);
}
