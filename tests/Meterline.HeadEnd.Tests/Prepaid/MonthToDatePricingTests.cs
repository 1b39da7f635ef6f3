using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Prepaid;

/// <summary>
/// Running pricing of a synthetic month (March 2026, Asia/Kolkata, hourly authenticated intervals of 336 Wh, peak
/// hours 400 Wh): deducted day by day as the difference of the month-to-date charge, the deductions add up to the bill
/// computed by the billing code, the slab boundaries are crossed mid-month, and time of use is applied.
/// </summary>
public sealed class MonthToDatePricingTests
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly BillingMonth March = new(2026, 3);
    private static readonly MeterId Meter = new(7);

    private static readonly TariffVersion Domestic = new(
        new DateOnly(2026, 1, 1),
        [new EnergySlab(0m, 100m, 3.00m), new EnergySlab(100m, 200m, 4.50m), new EnergySlab(200m, null, 6.00m)],
        [new TouZone("peak", 2, [new TouWindow(18 * 60, 22 * 60)], TouAdjustmentKind.Percent, 20m),
            new TouZone("off-peak", 3, [new TouWindow(22 * 60, 6 * 60)], TouAdjustmentKind.RatePerKwh, -0.50m)],
        new FixedCharge(50.00m, 20.00m),
        [new TaxRule("Electricity duty", TaxBase.EnergyCharge, 5m), new TaxRule("Green cess", TaxBase.PerKwh, 0.10m)],
        MidpointRounding.ToEven);

    [Fact]
    public void PriceMonthToDate_DailyDeductionsOfASyntheticMonth_AddUpToTheBill()
    {
        var intervals = Month();
        var (start, _) = March.Bounds(Kolkata);
        var deducted = 0m;
        var deductions = new List<decimal>();
        for (var day = 1; day <= March.Days; day++)
        {
            var upTo = start.AddDays(day);
            var toDate = MonthToDateConsumption.Compute(March, Kolkata, [.. intervals.Where(r => r.Time <= upTo)], Domestic.Zones);
            var charge = TariffCalculator.PriceMonthToDate(Domestic, toDate.Consumption, 3m).Total;
            deductions.Add(charge - deducted);
            deducted = charge;
        }

        var consumption = ConsumptionCalculator.Compute(March, Kolkata, [], intervals, Domestic.Zones);
        var bill = TariffCalculator.Price(Domestic, consumption.Consumption!, 3m);

        Assert.False(consumption.Estimated);
        Assert.Equal(bill.Total, deductions.Sum());
        Assert.Equal(bill.Total, deducted);
        Assert.True(consumption.Consumption!.TotalKwh > 200m);
        Assert.Contains(Domestic.Zones[0].Register, consumption.Consumption.ZoneKwh.Keys);

        // The fixed charge is taken with the first day; from then on each day costs more as the month climbs the slabs.
        var first = deductions[0];
        Assert.True(first > 110m, $"first day {first}");
        var perDay = deductions.Skip(1).ToList();
        Assert.True(perDay.Take(10).Max() < perDay.Skip(13).Take(10).Min(), "the second slab costs more per day than the first");
        Assert.True(perDay.Skip(13).Take(10).Max() < perDay.Skip(26).Min(), "the open slab costs more per day than the second");
    }

    [Fact]
    public void Compute_UnauthenticatedEstimatedOrNegativeBlocks_NotCounted()
    {
        var (start, _) = March.Bounds(Kolkata);
        IntervalReading[] intervals =
        [
            new(Meter, start.AddHours(1), Quantity.BlockImportEnergy, 500, ReadingQuality.Authenticated),
            new(Meter, start.AddHours(2), Quantity.BlockImportEnergy, 500, ReadingQuality.None),
            new(Meter, start.AddHours(3), Quantity.BlockImportEnergy, 500, ReadingQuality.Authenticated | ReadingQuality.Estimated),
            new(Meter, start.AddHours(4), Quantity.BlockImportEnergy, -5, ReadingQuality.Authenticated),
            new(Meter, start, Quantity.BlockImportEnergy, 500, ReadingQuality.Authenticated),
        ];

        var result = MonthToDateConsumption.Compute(March, Kolkata, intervals, Domestic.Zones);

        Assert.Equal(0.5m, result.Consumption.TotalKwh);
        Assert.Equal(1, result.Intervals);
        Assert.Equal(1, result.Skipped);
    }

    private static List<IntervalReading> Month()
    {
        var (start, end) = March.Bounds(Kolkata);
        var readings = new List<IntervalReading>();
        for (var t = start.AddHours(1); t <= end; t = t.AddHours(1))
        {
            var hour = TimeZoneInfo.ConvertTime(t.AddTicks(-1), Kolkata).Hour;
            readings.Add(new IntervalReading(Meter, t, Quantity.BlockImportEnergy, hour is >= 18 and < 22 ? 400 : 336, ReadingQuality.Authenticated));
        }

        return readings;
    }
}
