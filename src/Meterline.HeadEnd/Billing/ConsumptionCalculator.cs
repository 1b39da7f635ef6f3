using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A billing month's consumption from stored data — a pure function; only values the head-end stored from
/// authenticated APDUs (<see cref="ReadingQuality.Authenticated"/>, not <see cref="ReadingQuality.Estimated"/>) count:
/// <list type="number">
/// <item>Billing snapshots: the snapshots nearest the month's start and end (each within
/// <see cref="SnapshotTolerance"/>) give consumption = end − start of the cumulative import (1.0.1.8.0.255) and of each
/// zone register (1.0.1.8.z.255). A register lower at the end than at the start is an integrity error.</item>
/// <item>Otherwise the load profile: the sum of block energy (1.0.1.29.0.255) over the intervals ending in
/// (start, end], each interval classified into a zone by the local time just before its end. When some days of the
/// month have no interval, the bill is estimated: average daily use of the days with data × days in the month.</item>
/// </list>
/// </summary>
public static class ConsumptionCalculator
{
    /// <summary>How far from a month bound a billing snapshot may be captured and still count as that bound's.</summary>
    public static readonly TimeSpan SnapshotTolerance = TimeSpan.FromDays(1);

    public static ConsumptionResult Compute(
        BillingMonth month,
        TimeZoneInfo zone,
        IReadOnlyList<BillingSnapshot> snapshots,
        IReadOnlyList<IntervalReading> intervals,
        IReadOnlyList<TouZone> zones)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentNullException.ThrowIfNull(zones);
        var (start, end) = month.Bounds(zone);
        var blocks = intervals.Where(r => r.Quantity == Quantity.BlockImportEnergy && Billable(r.Quality) && r.Time > start && r.Time <= end).ToList();
        var negative = blocks.FirstOrDefault(r => r.Value < 0 || !double.IsFinite(r.Value));
        if (negative != default)
        {
            return ConsumptionResult.Refused(ConsumptionProblem.RegisterWentDown, string.Create(CultureInfo.InvariantCulture, $"block energy of the interval ending {negative.Time:O} is negative or not a number ({negative.Value} Wh)"), month.Days);
        }

        var opening = Nearest(snapshots, start);
        var closing = Nearest(snapshots, end);
        if (opening is not null && closing is not null && opening != closing
            && Register(opening, Quantity.CumulativeImportEnergy) is { } first && Register(closing, Quantity.CumulativeImportEnergy) is { } last)
        {
            if (last < first)
            {
                return ConsumptionResult.Refused(ConsumptionProblem.RegisterWentDown, Describe(Quantity.CumulativeImportEnergy, first, last, opening, closing), month.Days);
            }

            var byZone = new Dictionary<int, decimal>();
            var fromIntervals = Classify(blocks, zone, zones);
            foreach (var tariffZone in zones)
            {
                var quantity = Quantity.ImportInZone(tariffZone.Register);
                if (Register(opening, quantity) is { } zoneFirst && Register(closing, quantity) is { } zoneLast)
                {
                    if (zoneLast < zoneFirst)
                    {
                        return ConsumptionResult.Refused(ConsumptionProblem.RegisterWentDown, Describe(quantity, zoneFirst, zoneLast, opening, closing), month.Days);
                    }

                    byZone[tariffZone.Register] = Kwh(zoneLast - zoneFirst);
                }
                else if (fromIntervals.TryGetValue(tariffZone.Register, out var wh))
                {
                    byZone[tariffZone.Register] = Kwh(wh);
                }
            }

            return new ConsumptionResult(new Consumption(Kwh(last - first), byZone), ConsumptionMethod.BillingSnapshots, false, null, 1m, month.Days, month.Days, ConsumptionProblem.None, null);
        }

        var days = blocks.Select(r => LocalDate(r.Time, zone)).Distinct().Count();
        if (days == 0)
        {
            return ConsumptionResult.Refused(ConsumptionProblem.NoData, $"no billing snapshots at both ends of {month} and no interval data in it", month.Days);
        }

        var totalWh = blocks.Sum(r => (decimal)r.Value);
        var zoneWh = Classify(blocks, zone, zones);
        var estimated = days < month.Days;
        var factor = estimated ? (decimal)month.Days / days : 1m;
        var consumption = new Consumption(Kwh(totalWh * factor), zoneWh.ToDictionary(z => z.Key, z => Kwh(z.Value * factor)));
        var method = estimated
            ? string.Create(CultureInfo.InvariantCulture, $"average daily use of the {days} days with interval data × {month.Days} days in the month")
            : null;
        return new ConsumptionResult(consumption, ConsumptionMethod.IntervalData, estimated, method, Math.Round((decimal)days / month.Days, 4, MidpointRounding.ToEven), days, month.Days, ConsumptionProblem.None, null);
    }

    /// <summary>The local date an interval belongs to: that of the instant just before its end.</summary>
    public static DateOnly LocalDate(DateTimeOffset intervalEnd, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(intervalEnd.AddTicks(-1), zone).DateTime);

    internal static bool Billable(ReadingQuality quality) =>
        quality.HasFlag(ReadingQuality.Authenticated) && !quality.HasFlag(ReadingQuality.Estimated);

    internal static Dictionary<int, decimal> Classify(IReadOnlyList<IntervalReading> blocks, TimeZoneInfo zone, IReadOnlyList<TouZone> zones)
    {
        var byZone = new Dictionary<int, decimal>();
        if (zones.Count == 0)
        {
            return byZone;
        }

        foreach (var block in blocks)
        {
            var local = TimeZoneInfo.ConvertTime(block.Time.AddTicks(-1), zone);
            var minute = (local.Hour * 60) + local.Minute;
            if (zones.FirstOrDefault(z => z.Windows.Any(w => w.Contains(minute))) is { } tariffZone)
            {
                byZone[tariffZone.Register] = byZone.GetValueOrDefault(tariffZone.Register) + (decimal)block.Value;
            }
        }

        return byZone;
    }

    internal static BillingSnapshot? Nearest(IReadOnlyList<BillingSnapshot> snapshots, DateTimeOffset bound) =>
        snapshots.Where(s => Billable(s.Quality) && (s.CapturedAt - bound).Duration() <= SnapshotTolerance)
            .OrderBy(s => (s.CapturedAt - bound).Duration()).ThenBy(s => s.CapturedAt).FirstOrDefault();

    internal static decimal? Register(BillingSnapshot snapshot, Quantity quantity)
    {
        foreach (var value in snapshot.Values)
        {
            if (value.Quantity == quantity && double.IsFinite(value.Value))
            {
                return (decimal)value.Value;
            }
        }

        return null;
    }

    internal static decimal Kwh(decimal wh) => Math.Round(wh / 1000m, Consumption.KwhDecimals, MidpointRounding.ToEven);

    internal static string Describe(Quantity quantity, decimal first, decimal last, BillingSnapshot opening, BillingSnapshot closing) =>
        string.Create(CultureInfo.InvariantCulture, $"{quantity.Name} ({quantity.Obis}) went down from {first} Wh at {opening.CapturedAt:O} to {last} Wh at {closing.CapturedAt:O}");
}
