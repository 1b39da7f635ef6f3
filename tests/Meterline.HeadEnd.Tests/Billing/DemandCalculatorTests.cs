using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>The month's maximum demand from the closing billing snapshot, else from 15-minute blocks over a 15- or 30-minute integration period; export from snapshots.</summary>
public sealed class DemandCalculatorTests
{
    private static readonly MeterId Meter = new(9);
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly BillingMonth April = new(2026, 4);

    /// <summary>15-minute blocks of 250 Wh (1 kW) over April, except 19:00–19:15 and 19:15–19:30 IST on the 14th (1500 and 1600 Wh).</summary>
    private static List<IntervalReading> QuarterHours()
    {
        var (start, end) = April.Bounds(Kolkata);
        var peakEnd = new DateTimeOffset(2026, 4, 14, 19, 30, 0, TimeSpan.FromHours(5.5));
        var blocks = new List<IntervalReading>();
        for (var t = start.AddMinutes(15); t <= end; t = t.AddMinutes(15))
        {
            var wh = t == peakEnd.AddMinutes(-15) ? 1500 : t == peakEnd ? 1600 : 250;
            blocks.Add(new IntervalReading(Meter, t, Quantity.BlockImportEnergy, wh, ReadingQuality.Authenticated));
        }

        return blocks;
    }

    [Fact]
    public void Compute_ClosingSnapshotHasTheRegister_ItsValueAndCaptureTime()
    {
        var (start, end) = April.Bounds(Kolkata);
        var at = new DateTimeOffset(2026, 4, 20, 14, 0, 0, TimeSpan.Zero);
        BillingSnapshot[] snapshots =
        [
            new(Meter, start, [new(Quantity.CumulativeImportEnergy, 0), new(Quantity.MaximumDemand, 9000)], at.AddDays(-30), ReadingQuality.Authenticated),
            new(Meter, end, [new(Quantity.CumulativeImportEnergy, 500_000), new(Quantity.MaximumDemand, 6200)], at, ReadingQuality.Authenticated),
        ];

        var demand = DemandCalculator.Compute(April, Kolkata, snapshots, QuarterHours(), 30);

        Assert.Equal(new MaximumDemand(6.2m, at, DemandSource.BillingSnapshot, null), demand);
    }

    [Fact]
    public void Compute_ThirtyMinuteIntegrationOverQuarterHourBlocks_TwoBlocksAveraged()
    {
        // 1500 + 1600 Wh in 19:00–19:30 IST → 3100 Wh × 60/30 = 6.2 kW, at 19:30 IST (14:00 UTC).
        var demand = DemandCalculator.Compute(April, Kolkata, [], QuarterHours(), 30);

        Assert.Equal(new MaximumDemand(6.2m, new DateTimeOffset(2026, 4, 14, 14, 0, 0, TimeSpan.Zero), DemandSource.IntervalData, 30), demand);
    }

    [Fact]
    public void Compute_FifteenMinuteIntegration_TheHighestBlock()
    {
        // 1600 Wh × 60/15 = 6.4 kW in 19:15–19:30 IST.
        var demand = DemandCalculator.Compute(April, Kolkata, [], QuarterHours(), 15);

        Assert.Equal((6.4m, new DateTimeOffset(2026, 4, 14, 14, 0, 0, TimeSpan.Zero)), (demand!.Kw, demand.At!.Value));
    }

    [Fact]
    public void Compute_UnauthenticatedBlocksOnly_NoDemand()
    {
        var blocks = QuarterHours().Select(b => b with { Quality = ReadingQuality.None }).ToList();

        Assert.Null(DemandCalculator.Compute(April, Kolkata, [], blocks, 30));
    }

    [Fact]
    public void ExportCompute_SnapshotsAtBothEnds_DifferenceOfTheExportRegister()
    {
        var (start, end) = April.Bounds(Kolkata);
        BillingSnapshot[] snapshots =
        [
            new(Meter, start, [new(Quantity.CumulativeImportEnergy, 0), new(Quantity.CumulativeExportEnergy, 10_000)], null, ReadingQuality.Authenticated),
            new(Meter, end, [new(Quantity.CumulativeImportEnergy, 120_000), new(Quantity.CumulativeExportEnergy, 160_000)], null, ReadingQuality.Authenticated),
        ];
        var import = ConsumptionCalculator.Compute(April, Kolkata, snapshots, [], []);

        var export = ExportCalculator.Compute(April, Kolkata, snapshots, [], [], import, 5m, out var problem);

        Assert.Null(problem);
        Assert.Equal((150m, 5m), (export.TotalKwh, export.CarriedInKwh));
    }

    [Fact]
    public void ExportCompute_ExportRegisterWentDown_IntegrityProblem()
    {
        var (start, end) = April.Bounds(Kolkata);
        BillingSnapshot[] snapshots =
        [
            new(Meter, start, [new(Quantity.CumulativeImportEnergy, 0), new(Quantity.CumulativeExportEnergy, 10_000)], null, ReadingQuality.Authenticated),
            new(Meter, end, [new(Quantity.CumulativeImportEnergy, 120_000), new(Quantity.CumulativeExportEnergy, 9_000)], null, ReadingQuality.Authenticated),
        ];
        var import = ConsumptionCalculator.Compute(April, Kolkata, snapshots, [], []);

        _ = ExportCalculator.Compute(April, Kolkata, snapshots, [], [], import, 0m, out var problem);

        Assert.Contains("1.0.2.8.0.255", problem, StringComparison.Ordinal);
    }
}
