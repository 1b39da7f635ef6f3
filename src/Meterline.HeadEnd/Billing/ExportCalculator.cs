using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A billing month's export (kWh) from stored data — a pure function over authenticated values only, following the
/// import's method: when the import came from billing snapshots and both carry the cumulative export
/// (1.0.2.8.0.255), export = end − start; otherwise the sum of block export (1.0.2.29.0.255) over the month's
/// intervals, scaled like the import when the import was estimated (days in the month ÷ days with data). Zones come
/// from the block export classified like the import (the meter has no export register per zone). An export register
/// lower at the end than at the start, or a negative block, is an integrity error.
/// </summary>
public static class ExportCalculator
{
    /// <summary>The export, or the integrity problem (<paramref name="problem"/> not null) that stops the bill.</summary>
    public static ExportEnergy Compute(
        BillingMonth month,
        TimeZoneInfo zone,
        IReadOnlyList<BillingSnapshot> snapshots,
        IReadOnlyList<IntervalReading> intervals,
        IReadOnlyList<TouZone> zones,
        ConsumptionResult import,
        decimal carriedInKwh,
        out string? problem)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(import);
        problem = null;
        var (start, end) = month.Bounds(zone);
        var blocks = intervals.Where(r => r.Quantity == Quantity.BlockExportEnergy && ConsumptionCalculator.Billable(r.Quality) && r.Time > start && r.Time <= end).ToList();
        var negative = blocks.FirstOrDefault(r => r.Value < 0 || !double.IsFinite(r.Value));
        if (negative != default)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"block export energy of the interval ending {negative.Time:O} is negative or not a number ({negative.Value} Wh)");
            return Empty(carriedInKwh);
        }

        var factor = import.Estimated && import.DaysWithData > 0 ? (decimal)import.DaysInPeriod / import.DaysWithData : 1m;
        var zoneWh = ConsumptionCalculator.Classify(blocks, zone, zones);
        var byZone = zoneWh.ToDictionary(z => z.Key, z => ConsumptionCalculator.Kwh(z.Value * factor));
        var zonesKnown = blocks.Count > 0;
        if (import.Method == ConsumptionMethod.BillingSnapshots)
        {
            var opening = ConsumptionCalculator.Nearest(snapshots, start);
            var closing = ConsumptionCalculator.Nearest(snapshots, end);
            if (opening is not null && closing is not null && opening != closing
                && ConsumptionCalculator.Register(opening, Quantity.CumulativeExportEnergy) is { } first
                && ConsumptionCalculator.Register(closing, Quantity.CumulativeExportEnergy) is { } last)
            {
                if (last < first)
                {
                    problem = ConsumptionCalculator.Describe(Quantity.CumulativeExportEnergy, first, last, opening, closing);
                    return Empty(carriedInKwh);
                }

                return new ExportEnergy(ConsumptionCalculator.Kwh(last - first), byZone, zonesKnown, carriedInKwh);
            }
        }

        var total = blocks.Sum(r => (decimal)r.Value);
        return new ExportEnergy(ConsumptionCalculator.Kwh(total * factor), byZone, zonesKnown || total == 0, carriedInKwh);
    }

    private static ExportEnergy Empty(decimal carriedInKwh) => new(0m, new Dictionary<int, decimal>(), true, carriedInKwh);
}
