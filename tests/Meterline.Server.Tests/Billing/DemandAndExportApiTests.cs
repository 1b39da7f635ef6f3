using System.Net;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.Billing;

/// <summary>Demand charges and net metering through the API and the printable bill, on a running node with the example tariffs.</summary>
public sealed class DemandAndExportApiTests(BillingNodeFixture fixture) : IClassFixture<BillingNodeFixture>
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly BillingMonth March = new(2026, 3);

    private HttpClient Client => fixture.Node.Client;

    private async Task<HttpResponseMessage> IssueAsync(string meter, string month) =>
        await Api.PostAsync(Client, $"/api/meters/{meter}/bills", $$"""{"month":"{{month}}"}""", actor: "billing-clerk").WaitAsync(RunningNode.Bound);

    private Task StoreAsync(HeadEnd.Meters.Meter meter, params BillingSnapshot[] snapshots) =>
        fixture.Node.Node.Storage.Readings.WriteAsync(new IngestBatch([], snapshots, [], new Dictionary<MeterId, uint>()));

    private static BillingSnapshot Snapshot(HeadEnd.Meters.Meter meter, DateTimeOffset at, double import, double export = 0, double? demandW = null, DateTimeOffset? demandAt = null)
    {
        List<RegisterValue> values = [new(Quantity.CumulativeImportEnergy, import), new(Quantity.CumulativeExportEnergy, export)];
        if (demandW is { } w)
        {
            values.Add(new RegisterValue(Quantity.MaximumDemand, w));
        }

        return new BillingSnapshot(meter.Id, at, values, demandAt, ReadingQuality.Authenticated);
    }

    [Fact]
    public async Task Issue_DemandAboveSanctionedLoad_BillShowsRecordedAndBilledDemandItsTimeAndThePenalty()
    {
        // C-000003 is on "commercial-demand" with 10 kW sanctioned: 1000 kWh × 8.00 = 8000.00; MD 12.4 kW → 1860.00
        // plus 2.4 kW excess × 300.00 = 720.00; subtotal 10580.00; duty 5 % = 529.00; total 11109.00.
        var meter = await fixture.AddMeterAsync("C-000003");
        var (start, end) = March.Bounds(Kolkata);
        var peak = new DateTimeOffset(2026, 3, 14, 19, 30, 0, TimeSpan.FromHours(5.5));
        await StoreAsync(meter, Snapshot(meter, start, 2_000_000, demandW: 9_000), Snapshot(meter, end, 3_000_000, demandW: 12_400, demandAt: peak));

        using var issued = await IssueAsync(meter.Serial, "2026-03");

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var bill = await Api.JsonAsync(issued);
        Assert.Equal([8000.00m, 1860.00m, 720.00m, 529.00m], bill.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()));
        Assert.Equal(["Energy", "Demand", "ExcessDemand", "Tax"], bill.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("kind").GetString()));
        var demand = bill.GetProperty("demand");
        Assert.Equal((12.4m, 12.4m, 2.4m), (demand.GetProperty("recordedKw").GetDecimal(), demand.GetProperty("billedKw").GetDecimal(), demand.GetProperty("excessKw").GetDecimal()));
        Assert.Equal(peak, demand.GetProperty("recordedAt").GetDateTimeOffset());
        Assert.Equal("BillingSnapshot", demand.GetProperty("source").GetString());
        Assert.Equal((2580.00m, 11109.00m), (bill.GetProperty("demandCharge").GetDecimal(), bill.GetProperty("total").GetDecimal()));

        var html = await Client.GetStringAsync(bill.GetProperty("printableUrl").GetString()).WaitAsync(RunningNode.Bound);
        Assert.Contains("Maximum demand (recorded)", html, StringComparison.Ordinal);
        Assert.Contains("12.400 kW at 2026-03-14 19:30 (Asia/Kolkata)", html, StringComparison.Ordinal);
        Assert.Contains("2.400 kW above the sanctioned load", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_ExportOverImportThenANormalMonth_SurplusCarriedIntoTheNextBill()
    {
        // C-000004 is on "domestic-solar" (net, carry forward; fixed 50.00). March: 120 kWh in, 150 out → net 0,
        // 30 kWh carried; total 50.00. April: 250 kWh in, none out, 30 carried in → 220 kWh:
        // 300.00 + 450.00 + 20 × 6.00 = 870.00; + 50.00 = 920.00.
        var meter = await fixture.AddMeterAsync("C-000004");
        var (start, end) = March.Bounds(Kolkata);
        var (_, aprilEnd) = March.Next.Bounds(Kolkata);
        await StoreAsync(meter, Snapshot(meter, start, 1_000_000, 500_000), Snapshot(meter, end, 1_120_000, 650_000), Snapshot(meter, aprilEnd, 1_370_000, 650_000));

        using var first = await IssueAsync(meter.Serial, "2026-03");
        using var second = await IssueAsync(meter.Serial, "2026-04");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        var march = await Api.JsonAsync(first);
        var april = await Api.JsonAsync(second);
        Assert.Equal(50.00m, march.GetProperty("total").GetDecimal());
        var marchNet = march.GetProperty("netMetering");
        Assert.Equal((120m, 150m, 0m, 30m), (marchNet.GetProperty("importKwh").GetDecimal(), marchNet.GetProperty("exportKwh").GetDecimal(), marchNet.GetProperty("netKwh").GetDecimal(), marchNet.GetProperty("carriedOutKwh").GetDecimal()));
        var aprilNet = april.GetProperty("netMetering");
        Assert.Equal((30m, 220m, 0m), (aprilNet.GetProperty("carriedInKwh").GetDecimal(), aprilNet.GetProperty("netKwh").GetDecimal(), aprilNet.GetProperty("carriedOutKwh").GetDecimal()));
        Assert.Equal(920.00m, april.GetProperty("total").GetDecimal());

        var html = await Client.GetStringAsync(march.GetProperty("printableUrl").GetString()).WaitAsync(RunningNode.Bound);
        Assert.Contains("Surplus carried to next month", html, StringComparison.Ordinal);
        Assert.Contains("30.000 kWh", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_ExportRegisterWentDown_IntegrityErrorAndNothingBilled()
    {
        var meter = await fixture.AddMeterAsync("C-000004");
        var (start, end) = March.Bounds(Kolkata);
        await StoreAsync(meter, Snapshot(meter, start, 1_000_000, 500_000), Snapshot(meter, end, 1_120_000, 400_000));

        using var refused = await IssueAsync(meter.Serial, "2026-03");

        await Api.AssertProblemAsync(refused, HttpStatusCode.Conflict, "meter-integrity-error");
        var list = await Client.GetFromJsonElementAsync($"/api/meters/{meter.Serial}/bills").WaitAsync(RunningNode.Bound);
        Assert.Equal(0, list.GetArrayLength());
    }
}
