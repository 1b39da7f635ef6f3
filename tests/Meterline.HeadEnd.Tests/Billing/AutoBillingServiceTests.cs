using System.Text;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Billing;

/// <summary>
/// Automatic issue at the billing date with a fake clock: the month ends in the tariff's time zone (Asia/Kolkata,
/// UTC+5:30) and bills wait for the delay; a run never issues a month twice; a restart catches up missed months up to
/// the bound; months are issued oldest first so that a carried-forward surplus reaches the next month.
/// </summary>
public sealed class AutoBillingServiceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly BillingMonth March = new(2026, 3);

    // March ends at 2026-04-01T00:00 IST = 2026-03-31T18:30Z; with the 2-day delay its bills are due at 2026-04-02T18:30Z.
    private static readonly DateTimeOffset MarchDue = new(2026, 4, 2, 18, 30, 0, TimeSpan.Zero);

    private const string Tariffs = """
        {
          "format": "meterline-tariffs/1",
          "defaultTariff": "solar",
          "tariffs": [{
            "id": "solar", "name": "Domestic with net metering", "currency": "INR", "timeZone": "Asia/Kolkata",
            "versions": [{
              "effectiveFrom": "2026-03-01",
              "slabs": [{ "fromKwh": 0, "toKwh": 100, "rate": 3.00 }, { "fromKwh": 100, "rate": 5.00 }],
              "netMetering": { "mode": "net", "carryForward": true }
            }]
          }]
        }
        """;

    private readonly FakeTimeProvider _time = new(MarchDue.AddHours(-1));
    private readonly InMemoryMeterRepository _meters = new();
    private readonly InMemoryReadingStore _readings = new();
    private readonly InMemoryBillStore _bills = new();
    private readonly InMemoryAuditStore _auditStore = new();
    private readonly BillingService _billing;

    public AutoBillingServiceTests()
    {
        var audit = AuditLog.OpenAsync(_auditStore, _time).GetAwaiter().GetResult();
        _billing = new BillingService(_meters, _readings, _bills, audit, TariffCatalogReader.Read(Encoding.UTF8.GetBytes(Tariffs)), _time);
    }

    public void Dispose() => _billing.Dispose();

    private AutoBillingService Service(int catchUpMonths = 3) =>
        new(_billing, _meters, _bills, _time, new AutoBillingOptions { CatchUpMonths = catchUpMonths });

    private async Task<Meter> AddMeterAsync(int n, string? consumer = "C-1")
    {
        var meter = await _meters.AddAsync(new MeterRegistration($"AB{n:D6}", new MeterSystemTitle(0x4D544C00AB000000UL + (ulong)n), "is15959-single-phase", ConsumerId: consumer));
        return meter;
    }

    /// <summary>Hourly authenticated blocks over the month: import and export Wh per hour.</summary>
    private async Task StoreMonthAsync(Meter meter, BillingMonth month, double importWh, double exportWh = 0)
    {
        var (start, end) = month.Bounds(Kolkata);
        var readings = new List<IntervalReading>();
        for (var t = start.AddHours(1); t <= end; t = t.AddHours(1))
        {
            readings.Add(new IntervalReading(meter.Id, t, Quantity.BlockImportEnergy, importWh, ReadingQuality.Authenticated));
            readings.Add(new IntervalReading(meter.Id, t, Quantity.BlockExportEnergy, exportWh, ReadingQuality.Authenticated));
        }

        await _readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
    }

    private async Task<int> IssuedAuditsAsync() =>
        (await _auditStore.GetRecentAsync(null, 1000)).Count(a => a.Action == "bill.issued");

    [Fact]
    public void DueMonth_MonthEndInTheTariffsZonePlusDelay_NotBefore()
    {
        var tariff = _billing.Tariffs.Find("solar")!;

        Assert.Equal(March.Previous, AutoBillingService.DueMonth(tariff, MarchDue.AddTicks(-1), TimeSpan.FromDays(2)));
        Assert.Equal(March, AutoBillingService.DueMonth(tariff, MarchDue, TimeSpan.FromDays(2)));

        // In UTC March would end 5.5 hours later: the tariff's zone decides.
        Assert.Equal(March, AutoBillingService.DueMonth(tariff, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.Zero));
        Assert.Equal(March, AutoBillingService.DueMonth(tariff, new DateTimeOffset(2026, 3, 31, 18, 30, 0, TimeSpan.Zero), TimeSpan.Zero));
        Assert.Equal(March.Previous, AutoBillingService.DueMonth(tariff, new DateTimeOffset(2026, 3, 31, 18, 29, 59, TimeSpan.Zero), TimeSpan.Zero));
    }

    [Fact]
    public async Task RunOnce_BeforeAndAfterTheDelay_IssuedOnlyOnceDue()
    {
        var meter = await AddMeterAsync(1);
        var unbilled = await AddMeterAsync(2, consumer: null);
        await StoreMonthAsync(meter, March, 100);
        await StoreMonthAsync(unbilled, March, 100);
        var service = Service();
        _time.SetUtcNow(MarchDue.AddSeconds(-1));

        var early = await service.RunOnceAsync().WaitAsync(Bound);
        Assert.Equal(0, early.Issued);
        Assert.Equal(0, _bills.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        var run = await service.RunOnceAsync().WaitAsync(Bound);

        Assert.Equal([March], run.Months);
        Assert.Equal((1, 0, true), (run.Issued, run.Failed, run.Complete));
        var bill = (await _bills.GetLatestAsync(meter.Id, March))!;
        Assert.Equal(("auto-billing", 74.4m, false), (bill.IssuedBy, bill.ConsumptionKwh, bill.Estimated));
        Assert.Null(await _bills.GetLatestAsync(unbilled.Id, March));
        Assert.Equal(1, await IssuedAuditsAsync());
    }

    [Fact]
    public async Task RunOnce_AgainAndAfterARestart_NoBillIssuedTwice()
    {
        var meter = await AddMeterAsync(3);
        await StoreMonthAsync(meter, March, 100);
        _time.SetUtcNow(MarchDue);
        Assert.Equal(1, (await Service().RunOnceAsync().WaitAsync(Bound)).Issued);

        var service = Service();
        var again = await service.RunOnceAsync().WaitAsync(Bound);
        var restarted = await Service().RunOnceAsync().WaitAsync(Bound);
        var once = await service.RunOnceAsync().WaitAsync(Bound);

        Assert.Equal((0, 1), (again.Issued, again.AlreadyIssued));
        Assert.Equal((0, 1), (restarted.Issued, restarted.AlreadyIssued));
        Assert.Equal(AutoBillingRun.Nothing, once);
        Assert.Equal(1, _bills.Count);
        Assert.Equal(1, await IssuedAuditsAsync());
        Assert.Equal(1, (await _bills.GetLatestAsync(meter.Id, March))!.Revision);
    }

    [Fact]
    public async Task RunOnce_AfterMonthsDown_CatchesUpTheMissedMonthsWithinTheBound()
    {
        // The node issued March, then was down until June 5 (May due): April and May are caught up; a meter
        // registered later has March too, but the bound (2 months) leaves it to the API.
        var meter = await AddMeterAsync(4);
        var late = await AddMeterAsync(5);
        foreach (var month in new[] { March, March.Next, March.Next.Next })
        {
            await StoreMonthAsync(meter, month, 100);
            await StoreMonthAsync(late, month, 100);
        }

        _time.SetUtcNow(MarchDue);
        await Service(catchUpMonths: 1).RunOnceAsync().WaitAsync(Bound);
        await _billing.IssueAsync(late.Id, March, reissue: false, "test");
        var marchBills = _bills.Count;
        _time.SetUtcNow(new DateTimeOffset(2026, 6, 5, 0, 0, 0, TimeSpan.Zero));

        var run = await Service(catchUpMonths: 2).RunOnceAsync().WaitAsync(Bound);

        Assert.Equal(2, marchBills);
        Assert.Equal([March.Next, March.Next.Next], run.Months);
        Assert.Equal((4, true), (run.Issued, run.Complete));
        Assert.Equal(6, _bills.Count);
        Assert.Equal(1, (await _bills.GetLatestAsync(meter.Id, March))!.Revision);
    }

    [Fact]
    public async Task RunOnce_SurplusInMarch_CarriedIntoAprilsBill()
    {
        // March: 100 Wh imported and 200 Wh exported an hour over 744 hours → 74.4 kWh in, 148.8 out: net 0,
        // 74.4 kWh carried. April (720 hours): 300 Wh an hour = 216 kWh in, nothing out → 216 − 74.4 = 141.6 kWh:
        // 100 × 3.00 + 41.6 × 5.00 = 508.00.
        var meter = await AddMeterAsync(6);
        await StoreMonthAsync(meter, March, 100, exportWh: 200);
        await StoreMonthAsync(meter, March.Next, 300);
        _time.SetUtcNow(new DateTimeOffset(2026, 5, 3, 0, 0, 0, TimeSpan.Zero));

        var run = await Service().RunOnceAsync().WaitAsync(Bound);

        Assert.Equal(2, run.Issued);
        var march = (await _bills.GetLatestAsync(meter.Id, March))!;
        var april = (await _bills.GetLatestAsync(meter.Id, March.Next))!;
        Assert.Equal((0.00m, 74.4m), (march.Total, march.NetMetering!.CarriedOutKwh));
        Assert.Equal((74.4m, 141.6m, 0m), (april.NetMetering!.CarriedInKwh, april.NetMetering.NetKwh, april.NetMetering.CarriedOutKwh));
        Assert.Equal(508.00m, april.Total);
    }

    [Fact]
    public async Task RunAsync_TimerTicksPastTheDueTime_IssuesWithoutAnyCall()
    {
        var meter = await AddMeterAsync(7);
        await StoreMonthAsync(meter, March, 100);
        _time.SetUtcNow(MarchDue.AddMinutes(-30));
        var service = Service();
        using var stop = new CancellationTokenSource();

        // The first run (at start) finds nothing due; the next tick, an hour later, is past the due time.
        var running = service.RunAsync(stop.Token);
        Assert.Equal(0, _bills.Count);
        _time.Advance(TimeSpan.FromHours(1));
        await WaitUntilAsync(() => _bills.Count == 1);

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        Assert.Equal(1, service.Issued);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
