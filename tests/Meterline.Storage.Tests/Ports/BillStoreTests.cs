using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Sqlite;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Issued bills: stored once as issued and read back equal; numbers and (meter, month, revision) unique; newest first. Run against each engine.</summary>
public abstract class BillStoreTests : StorageTestBase
{
    private static Bill Bill(MeterId meter, BillingMonth month, int revision, decimal total = 1239.60m) => new(
        HeadEnd.Billing.Bill.NumberOf(meter, month, revision), revision, meter, "MTL00000001", "C-000001", month,
        new DateTimeOffset(2026, 2, 28, 18, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 31, 18, 30, 0, TimeSpan.Zero),
        "domestic", "Domestic LT-1", "2026-01-01", "INR", "Asia/Kolkata", 3m, 250.125m,
        [new BillZone("peak", 2, 50.5m), new BillZone("off-peak", 3, 80m)], ConsumptionMethod.IntervalData, true,
        "average daily use of the 20 days with interval data × 31 days in the month", 0.6452m,
        [new BillLine(BillLineKind.Energy, "Energy 0–100 kWh", 100m, "kWh", 3.00m, 300.00m), new BillLine(BillLineKind.TimeOfUse, "Time of use, off-peak", 80m, "kWh", -0.50m, -40.00m),
            new BillLine(BillLineKind.Fixed, "Fixed charge", null, null, null, 50.00m), new BillLine(BillLineKind.Tax, "Duty <5 %> & \"cess\"", 1052.00m, "energy charge", 5m, 52.60m)],
        1052.00m, 110.00m, 1162.00m, 77.60m, total, new DateTimeOffset(2026, 4, 2, 9, 15, 30, TimeSpan.Zero).AddTicks(1_234_567), "operator-1",
        revision > 1 ? HeadEnd.Billing.Bill.NumberOf(meter, month, revision - 1) : null);

    private static void AssertSame(Bill expected, Bill? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(BillJson.Serialize(expected), BillJson.Serialize(actual));
        Assert.Equal(expected.Lines, actual.Lines);
        Assert.Equal(expected.Zones, actual.Zones);
        Assert.Equal(expected with { Lines = actual.Lines, Zones = actual.Zones }, actual);
    }

    [Fact]
    public async Task Schema_BillsByMonth_HasTheMonthIndex()
    {
        var sql = Target is SqliteTarget
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bills' AND name = 'bills_month'"
            : "SELECT count(*) FROM pg_indexes WHERE tablename = 'bills' AND indexname = 'bills_month'";

        Assert.Equal(1L, Convert.ToInt64(await Target.ExecuteScalarAsync(ConnectionString, sql, Token), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AddAsync_ThenGetAsync_ReturnsTheBillAsIssued()
    {
        var meter = await AddMeterAsync(1);
        var bill = Bill(meter.Id, new BillingMonth(2026, 3), 1);

        Assert.True(await Storage.Bills.AddAsync(bill, Token));

        AssertSame(bill, await Storage.Bills.GetAsync(bill.Number, Token));
        Assert.Equal(1239.60m, (await Storage.Bills.GetAsync(bill.Number, Token))!.Total);
        Assert.Null(await Storage.Bills.GetAsync("209901-000001-1", Token));
    }

    [Fact]
    public async Task AddAsync_SameNumberAgain_FalseAndTheFirstUnchanged()
    {
        var meter = await AddMeterAsync(1);
        var bill = Bill(meter.Id, new BillingMonth(2026, 3), 1);
        Assert.True(await Storage.Bills.AddAsync(bill, Token));

        Assert.False(await Storage.Bills.AddAsync(bill with { Total = 1.00m }, Token));
        Assert.False(await Storage.Bills.AddAsync(bill with { Number = "other-1", Total = 2.00m }, Token));

        AssertSame(bill, await Storage.Bills.GetAsync(bill.Number, Token));
        Assert.Null(await Storage.Bills.GetAsync("other-1", Token));
    }

    [Fact]
    public async Task AddAsync_UnknownMeter_KeyNotFound()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Bills.AddAsync(Bill(new MeterId(999), new BillingMonth(2026, 3), 1), Token));
    }

    [Fact]
    public async Task GetLatestAsync_AndListAsync_NewestMonthAndRevisionFirst()
    {
        var meter = await AddMeterAsync(1);
        var other = await AddMeterAsync(2);
        var march1 = Bill(meter.Id, new BillingMonth(2026, 3), 1);
        var march2 = Bill(meter.Id, new BillingMonth(2026, 3), 2, 1300.00m);
        var february = Bill(meter.Id, new BillingMonth(2026, 2), 1);
        var april = Bill(meter.Id, new BillingMonth(2026, 4), 1);
        foreach (var bill in new[] { march1, february, april, march2, Bill(other.Id, new BillingMonth(2026, 3), 1) })
        {
            Assert.True(await Storage.Bills.AddAsync(bill, Token));
        }

        AssertSame(march2, await Storage.Bills.GetLatestAsync(meter.Id, new BillingMonth(2026, 3), Token));
        Assert.Null(await Storage.Bills.GetLatestAsync(meter.Id, new BillingMonth(2026, 5), Token));
        Assert.Equal([april.Number, march2.Number, march1.Number, february.Number], (await Storage.Bills.ListAsync(meter.Id, 10, Token)).Select(b => b.Number));
        Assert.Equal([april.Number, march2.Number], (await Storage.Bills.ListAsync(meter.Id, 2, Token)).Select(b => b.Number));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Bills.ListAsync(meter.Id, 0, Token));
    }

    [Fact]
    public async Task ListMonthAsync_SeveralMetersAndMonths_TheMonthsBillsInNumberOrderPagedByNumber()
    {
        var first = await AddMeterAsync(1);
        var second = await AddMeterAsync(2);
        var march = new BillingMonth(2026, 3);
        foreach (var bill in new[] { Bill(second.Id, march, 1), Bill(first.Id, march, 1), Bill(first.Id, march, 2), Bill(first.Id, march.Next, 1), Bill(first.Id, march.Previous, 1) })
        {
            Assert.True(await Storage.Bills.AddAsync(bill, Token));
        }

        var all = await Storage.Bills.ListMonthAsync(march, null, 10, Token);
        var page = await Storage.Bills.ListMonthAsync(march, all[0].Number, 1, Token);
        var rest = await Storage.Bills.ListMonthAsync(march, page[0].Number, 10, Token);

        var numbers = new[] { HeadEnd.Billing.Bill.NumberOf(first.Id, march, 1), HeadEnd.Billing.Bill.NumberOf(first.Id, march, 2), HeadEnd.Billing.Bill.NumberOf(second.Id, march, 1) };
        Assert.Equal(numbers, all.Select(b => b.Number));
        Assert.Equal([numbers[1]], page.Select(b => b.Number));
        Assert.Equal([numbers[2]], rest.Select(b => b.Number));
        Assert.Empty(await Storage.Bills.ListMonthAsync(new BillingMonth(2025, 1), null, 10, Token));
    }

    [Fact]
    public async Task OpenAnother_BillWrittenByOneHandle_ReadByTheOther()
    {
        var meter = await AddMeterAsync(1);
        var bill = Bill(meter.Id, new BillingMonth(2026, 3), 1);
        await using var another = await OpenAnotherAsync();

        Assert.True(await another.Bills.AddAsync(bill, Token));

        AssertSame(bill, await Storage.Bills.GetAsync(bill.Number, Token));
    }
}
