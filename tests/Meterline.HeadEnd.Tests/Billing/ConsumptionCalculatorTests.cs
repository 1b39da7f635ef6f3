using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>A month's consumption from billing snapshots, the interval fallback, estimation, integrity errors, and zones across a DST change.</summary>
public sealed class ConsumptionCalculatorTests
{
    private static readonly MeterId Meter = new(7);
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly BillingMonth April = new(2026, 4);
    private static readonly TouZone Peak = new("peak", 2, [new TouWindow(18 * 60, 22 * 60)], TouAdjustmentKind.Percent, 20m);

    private static BillingSnapshot Snapshot(DateTimeOffset at, double import, double? zone2 = null, ReadingQuality quality = ReadingQuality.Authenticated)
    {
        List<RegisterValue> values = [new(Quantity.CumulativeImportEnergy, import)];
        if (zone2 is { } z)
        {
            values.Add(new RegisterValue(Quantity.ImportInZone(2), z));
        }

        return new BillingSnapshot(Meter, at, values, null, quality);
    }

    /// <summary>Hourly blocks of the given energy over the local days given (all of them when null).</summary>
    private static List<IntervalReading> Hourly(BillingMonth month, TimeZoneInfo zone, Func<DateTimeOffset, double> wh, Func<int, bool>? day = null, ReadingQuality quality = ReadingQuality.Authenticated)
    {
        var (start, end) = month.Bounds(zone);
        var blocks = new List<IntervalReading>();
        for (var t = start.AddHours(1); t <= end; t = t.AddHours(1))
        {
            if (day is null || day(ConsumptionCalculator.LocalDate(t, zone).Day))
            {
                blocks.Add(new IntervalReading(Meter, t, Quantity.BlockImportEnergy, wh(t), quality));
            }
        }

        return blocks;
    }

    [Fact]
    public void Compute_SnapshotsAtBothBounds_DifferenceOfTheRegisters()
    {
        var (start, end) = April.Bounds(Kolkata);
        // 1,250,500 − 1,000,000 Wh = 250.5 kWh; zone 2: 90,000 − 40,000 Wh = 50 kWh. Interval data is ignored.
        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start, 1_000_000, 40_000), Snapshot(end, 1_250_500, 90_000)], Hourly(April, Kolkata, _ => 1), [Peak]);

        Assert.Equal(ConsumptionProblem.None, result.Problem);
        Assert.Equal(ConsumptionMethod.BillingSnapshots, result.Method);
        Assert.False(result.Estimated);
        Assert.Equal(250.5m, result.Consumption!.TotalKwh);
        Assert.Equal(50m, result.Consumption.InZone(2));
        Assert.Equal(1m, result.DataShare);
    }

    [Fact]
    public void Compute_SnapshotsCapturedMinutesOffTheBounds_StillUsed()
    {
        var (start, end) = April.Bounds(Kolkata);

        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start.AddMinutes(3), 5_000), Snapshot(end.AddMinutes(-2), 7_000), Snapshot(end.AddDays(2), 9_000)], [], []);

        Assert.Equal((ConsumptionMethod.BillingSnapshots, 2m), (result.Method, result.Consumption!.TotalKwh));
    }

    [Fact]
    public void Compute_CumulativeRegisterWentDown_IntegrityErrorNotBilled()
    {
        var (start, end) = April.Bounds(Kolkata);

        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start, 1_000_000), Snapshot(end, 999_000)], Hourly(April, Kolkata, _ => 500), []);

        Assert.Equal(ConsumptionProblem.RegisterWentDown, result.Problem);
        Assert.Null(result.Consumption);
        Assert.Contains("1.0.1.8.0.255", result.ProblemDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_ZoneRegisterWentDown_IntegrityErrorNotBilled()
    {
        var (start, end) = April.Bounds(Kolkata);

        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start, 1_000_000, 50_000), Snapshot(end, 1_100_000, 40_000)], [], [Peak]);

        Assert.Equal(ConsumptionProblem.RegisterWentDown, result.Problem);
        Assert.Contains("1.0.1.8.2.255", result.ProblemDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NegativeBlockEnergy_IntegrityErrorNotBilled()
    {
        var blocks = Hourly(April, Kolkata, _ => 500);
        blocks[10] = blocks[10] with { Value = -20 };

        Assert.Equal(ConsumptionProblem.RegisterWentDown, ConsumptionCalculator.Compute(April, Kolkata, [], blocks, []).Problem);
    }

    [Fact]
    public void Compute_ClosingSnapshotMissing_FallsBackToIntervalData()
    {
        var (start, _) = April.Bounds(Kolkata);

        // 30 days × 24 blocks × 500 Wh = 360 kWh.
        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start, 1_000_000)], Hourly(April, Kolkata, _ => 500), []);

        Assert.Equal(ConsumptionMethod.IntervalData, result.Method);
        Assert.False(result.Estimated);
        Assert.Equal(360m, result.Consumption!.TotalKwh);
        Assert.Equal((30, 30, 1m), (result.DaysWithData, result.DaysInPeriod, result.DataShare));
    }

    [Fact]
    public void Compute_TenDaysWithoutIntervalData_EstimatedFromTheAverageDay()
    {
        // Data on 20 of 30 days: 20 × 24 × 0.5 = 240 kWh measured; 240 / 20 × 30 = 360 kWh estimated.
        var result = ConsumptionCalculator.Compute(April, Kolkata, [], Hourly(April, Kolkata, _ => 500, day => day > 10), []);

        Assert.True(result.Estimated);
        Assert.Equal(360m, result.Consumption!.TotalKwh);
        Assert.Equal((20, 30), (result.DaysWithData, result.DaysInPeriod));
        Assert.Equal(0.6667m, result.DataShare);
        Assert.Equal("average daily use of the 20 days with interval data × 30 days in the month", result.EstimationMethod);
    }

    [Fact]
    public void Compute_UnauthenticatedOrEstimatedReadings_NotCounted()
    {
        var (start, end) = April.Bounds(Kolkata);
        var blocks = Hourly(April, Kolkata, _ => 500);
        blocks.AddRange(Hourly(April, Kolkata, _ => 1_000, quality: ReadingQuality.None).Select(b => b with { Time = b.Time.AddMinutes(-30) }));
        blocks.AddRange(Hourly(April, Kolkata, _ => 1_000, quality: ReadingQuality.Authenticated | ReadingQuality.Estimated).Select(b => b with { Time = b.Time.AddMinutes(-15) }));

        var result = ConsumptionCalculator.Compute(April, Kolkata, [Snapshot(start, 0, quality: ReadingQuality.None), Snapshot(end, 1_000_000, quality: ReadingQuality.None)], blocks, []);

        Assert.Equal(ConsumptionMethod.IntervalData, result.Method);
        Assert.Equal(360m, result.Consumption!.TotalKwh);
    }

    [Fact]
    public void Compute_NoSnapshotsAndNoIntervals_NoData()
    {
        var result = ConsumptionCalculator.Compute(April, Kolkata, [], [], []);

        Assert.Equal(ConsumptionProblem.NoData, result.Problem);
    }

    [Fact]
    public void Compute_IntervalsOutsideTheMonth_NotCounted()
    {
        var (start, end) = April.Bounds(Kolkata);
        var blocks = Hourly(April, Kolkata, _ => 500);
        blocks.Add(new IntervalReading(Meter, start, Quantity.BlockImportEnergy, 99_000, ReadingQuality.Authenticated));
        blocks.Add(new IntervalReading(Meter, end.AddHours(1), Quantity.BlockImportEnergy, 99_000, ReadingQuality.Authenticated));

        Assert.Equal(360m, ConsumptionCalculator.Compute(April, Kolkata, [], blocks, []).Consumption!.TotalKwh);
    }

    [Fact]
    public void Compute_DstMonthInBerlin_ZonesFollowLocalTime()
    {
        // March 2026 in Europe/Berlin: UTC+1 until 29 March 02:00, then UTC+2, so the month has 31 × 24 − 1 = 743 hours.
        // Every block is 100 Wh except the one from 16:00 to 17:00 UTC, 1,000 Wh. Peak is 18:00-22:00 local:
        // UTC 17-21 before the change (the big block is 17:00-18:00 local: not peak), UTC 16-20 after (it is).
        // Total: 31 × 1,000 + 712 × 100 = 102,200 Wh. Peak: 28 days × 400 + 3 days × (1,000 + 300) = 15,100 Wh.
        var march = new BillingMonth(2026, 3);
        var blocks = Hourly(march, Berlin, end => end.UtcDateTime.Hour == 17 ? 1_000 : 100);

        var result = ConsumptionCalculator.Compute(march, Berlin, [], blocks, [Peak]);

        Assert.Equal(743, blocks.Count);
        Assert.False(result.Estimated);
        Assert.Equal(31, result.DaysWithData);
        Assert.Equal(102.2m, result.Consumption!.TotalKwh);
        Assert.Equal(15.1m, result.Consumption.InZone(2));
    }

    [Fact]
    public void Bounds_DstMonthInBerlin_LocalMidnights()
    {
        var (start, end) = new BillingMonth(2026, 3).Bounds(Berlin);

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), end);
    }
}
