using System.Net;
using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Tests.Billing;

/// <summary>The billing API and the printable bill on a running node with real SQLite storage and the example tariffs.</summary>
public sealed class BillingApiTests(BillingNodeFixture fixture) : IClassFixture<BillingNodeFixture>
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly BillingMonth March = new(2026, 3);

    private HttpClient Client => fixture.Node.Client;

    private async Task<HttpResponseMessage> IssueAsync(string meter, string month, bool? reissue = null) =>
        await Api.PostAsync(Client, $"/api/meters/{meter}/bills", reissue is null ? $$"""{"month":"{{month}}"}""" : $$"""{"month":"{{month}}","reissue":{{(reissue.Value ? "true" : "false")}}}""", actor: "billing-clerk")
            .WaitAsync(RunningNode.Bound);

    [Fact]
    public async Task Issue_SnapshotsAtBothEnds_TheHandWorkedBillStoredAndServed()
    {
        // C-000001 is on "domestic" with 3 kW sanctioned: 250 kWh (50 peak, 80 off-peak) → 1239.60 INR (TariffCalculatorTests).
        var meter = await fixture.AddMeterAsync("C-000001");
        var (start, end) = March.Bounds(Kolkata);
        await fixture.StoreSnapshotsAsync(meter, (start, 1_000_000, 0, 0), (end, 1_250_000, 50_000, 80_000));

        using var issued = await IssueAsync(meter.Serial, "2026-03");

        var body = await issued.Content.ReadAsStringAsync();
        Assert.True(issued.StatusCode == HttpStatusCode.Created, body);
        var bill = await Api.JsonAsync(issued);
        var number = bill.GetProperty("number").GetString()!;
        Assert.Equal($"/api/bills/{number}", issued.Headers.Location!.OriginalString);
        Assert.Equal(Bill.NumberOf(meter.Id, March, 1), number);
        Assert.Equal(1239.60m, bill.GetProperty("total").GetDecimal());
        Assert.Equal(250m, bill.GetProperty("consumptionKwh").GetDecimal());
        Assert.Equal("BillingSnapshots", bill.GetProperty("method").GetString());
        Assert.False(bill.GetProperty("estimated").GetBoolean());
        Assert.Equal(("domestic", "2026-01-01", "INR"), (bill.GetProperty("tariffId").GetString(), bill.GetProperty("tariffVersion").GetString(), bill.GetProperty("currency").GetString()));
        Assert.Equal([300.00m, 450.00m, 300.00m, 42.00m, -40.00m, 110.00m, 52.60m, 25.00m], bill.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()));

        var again = await Client.GetFromJsonElementAsync($"/api/bills/{number}").WaitAsync(RunningNode.Bound);
        Assert.Equal(body, again.GetRawText());
        var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync(meter.Serial, 10).WaitAsync(RunningNode.Bound);
        var entry = Assert.Single(audit, a => a.Action == "bill.issued");
        Assert.Equal("billing-clerk", entry.Actor);
        Assert.Contains(number, entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_MonthAlreadyBilled_ConflictUnlessReissuedAndTheFirstNeverChanges()
    {
        // Interval data on 10 of 30 April days, 1 kWh an hour: 240 kWh measured → 720 kWh estimated.
        var meter = await fixture.AddMeterAsync("C-000002");
        var april = new BillingMonth(2026, 4);
        var (start, _) = april.Bounds(Kolkata);
        await fixture.StoreHourlyAsync(meter, start, start.AddDays(10), 1_000);
        using var first = await IssueAsync(meter.Id.ToString(), "2026-04");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var original = await Api.JsonAsync(first);
        Assert.True(original.GetProperty("estimated").GetBoolean());
        Assert.Equal(720m, original.GetProperty("consumptionKwh").GetDecimal());

        using var conflict = await IssueAsync(meter.Serial, "2026-04");
        await Api.AssertProblemAsync(conflict, HttpStatusCode.Conflict, "bill-exists");

        // Later data (back-filled days) does not change the issued bill; a re-issue makes revision 2 from it.
        await fixture.StoreHourlyAsync(meter, start.AddDays(10), start.AddDays(30), 1_000);
        var unchanged = await Client.GetFromJsonElementAsync($"/api/bills/{original.GetProperty("number").GetString()}").WaitAsync(RunningNode.Bound);
        Assert.Equal(original.GetRawText(), unchanged.GetRawText());
        using var reissued = await IssueAsync(meter.Serial, "2026-04", reissue: true);
        Assert.Equal(HttpStatusCode.Created, reissued.StatusCode);
        var revision = await Api.JsonAsync(reissued);
        Assert.Equal(2, revision.GetProperty("revision").GetInt32());
        Assert.Equal(original.GetProperty("number").GetString(), revision.GetProperty("supersedes").GetString());
        Assert.False(revision.GetProperty("estimated").GetBoolean());
        Assert.Equal(720m, revision.GetProperty("consumptionKwh").GetDecimal());

        var list = await Client.GetFromJsonElementAsync($"/api/meters/{meter.Serial}/bills").WaitAsync(RunningNode.Bound);
        Assert.Equal([2, 1], list.EnumerateArray().Select(b => b.GetProperty("revision").GetInt32()));
    }

    [Fact]
    public async Task Issue_RegisterWentDown_ConflictNothingBilledAndAudited()
    {
        var meter = await fixture.AddMeterAsync("C-000001");
        var (start, end) = March.Bounds(Kolkata);
        await fixture.StoreSnapshotsAsync(meter, (start, 2_000_000, 0, 0), (end, 1_500_000, 0, 0));

        using var response = await IssueAsync(meter.Serial, "2026-03");

        var detail = await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, "meter-integrity-error");
        Assert.Contains("went down", detail, StringComparison.Ordinal);
        Assert.Empty((await Client.GetFromJsonElementAsync($"/api/meters/{meter.Serial}/bills").WaitAsync(RunningNode.Bound)).EnumerateArray());
        var audit = await fixture.Node.Node.Storage.Audit.GetRecentAsync(meter.Serial, 10).WaitAsync(RunningNode.Bound);
        Assert.Single(audit, a => a.Action == "bill.integrity-error");
        Assert.DoesNotContain(audit, a => a.Action == "bill.issued");
    }

    [Fact]
    public async Task Issue_Refusals_EachWithItsProblem()
    {
        var consumerless = await fixture.AddMeterAsync(null);
        var billed = await fixture.AddMeterAsync("C-000001");

        await Api.AssertProblemAsync(await IssueAsync(consumerless.Serial, "2026-03"), HttpStatusCode.Conflict, "no-tariff");
        await Api.AssertProblemAsync(await IssueAsync(billed.Serial, "2099-01"), HttpStatusCode.Conflict, "month-not-ended");
        await Api.AssertProblemAsync(await IssueAsync(billed.Serial, "2026-02"), HttpStatusCode.Conflict, "no-billing-data");
        await Api.AssertProblemAsync(await IssueAsync(billed.Serial, "2025-12"), HttpStatusCode.Conflict, "no-tariff");
        await Api.AssertProblemAsync(await IssueAsync(billed.Serial, "2026-3"), HttpStatusCode.BadRequest, "invalid-month");
        await Api.AssertProblemAsync(await IssueAsync("NOSUCHMETER", "2026-03"), HttpStatusCode.NotFound, "unknown-meter");
        await Api.AssertProblemAsync(await Api.PostAsync(Client, $"/api/meters/{billed.Serial}/bills", """{"month":"2026-03","extra":1}"""), HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task GetBill_UnknownNumber_NotFoundAsJsonAndAsPage()
    {
        await Api.AssertProblemAsync(await Client.GetAsync(new Uri("/api/bills/202603-999999-1", UriKind.Relative)).WaitAsync(RunningNode.Bound), HttpStatusCode.NotFound, "unknown-bill");
        await Api.AssertProblemAsync(await Client.GetAsync(new Uri("/bills/202603-999999-1", UriKind.Relative)).WaitAsync(RunningNode.Bound), HttpStatusCode.NotFound, "unknown-bill");
        await Api.AssertProblemAsync(await Client.GetAsync(new Uri("/api/meters/NOSUCHMETER/bills", UriKind.Relative)).WaitAsync(RunningNode.Bound), HttpStatusCode.NotFound, "unknown-meter");
    }

    [Fact]
    public async Task PrintableBill_EstimatedBillOfAnOddConsumer_SelfContainedEncodedAndSaysEstimated()
    {
        // An unassigned consumer is billed on the default tariff (domestic, no sanctioned load).
        var meter = await fixture.AddMeterAsync("<script>alert('x')</script>&\"");
        var (start, _) = March.Bounds(Kolkata);
        await fixture.StoreHourlyAsync(meter, start, start.AddDays(31), 500);
        await fixture.StoreSnapshotsAsync(meter, (start, 0, 0, 0));
        var created = await Api.JsonAsync(await IssueAsync(meter.Serial, "2026-03"));
        var number = created.GetProperty("number").GetString()!;
        Assert.Equal($"/bills/{number}", created.GetProperty("printableUrl").GetString());

        using var page = await Client.GetAsync(new Uri($"/bills/{number}", UriKind.Relative)).WaitAsync(RunningNode.Bound);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert('x')", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains(number, html, StringComparison.Ordinal);
        // 31 days × 24 h × 0.5 kWh = 372 kWh from interval data, every day present.
        Assert.Contains("372.000 kWh", html, StringComparison.Ordinal);
        Assert.Contains(" INR", html, StringComparison.Ordinal);
        Assert.Contains("2026-03-01 to 2026-03-31 (Asia/Kolkata)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTIMATED", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintableBill_Estimated_SaysSoWithTheMethodAndShare()
    {
        var meter = await fixture.AddMeterAsync("C-000001");
        var (start, _) = March.Bounds(Kolkata);
        await fixture.StoreHourlyAsync(meter, start, start.AddDays(20), 500);
        var number = (await Api.JsonAsync(await IssueAsync(meter.Serial, "2026-03"))).GetProperty("number").GetString()!;

        var html = await Client.GetStringAsync(new Uri($"/bills/{number}", UriKind.Relative)).WaitAsync(RunningNode.Bound);

        Assert.Contains("ESTIMATED BILL", html, StringComparison.Ordinal);
        Assert.Contains("average daily use of the 20 days with interval data × 31 days in the month", html, StringComparison.Ordinal);
        Assert.Contains("64.5 %", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTariffs_TheExampleFile_EveryTariffWithItsVersions()
    {
        var tariffs = await Client.GetFromJsonElementAsync("/api/tariffs").WaitAsync(RunningNode.Bound);

        Assert.Equal(["domestic", "commercial", "commercial-demand", "domestic-solar"], tariffs.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(150.00m, tariffs[2].GetProperty("versions")[0].GetProperty("demand").GetProperty("ratePerKw").GetDecimal());
        Assert.Equal("Net", tariffs[3].GetProperty("versions")[0].GetProperty("netMetering").GetProperty("mode").GetString());
        var domestic = tariffs[0];
        Assert.True(domestic.GetProperty("isDefault").GetBoolean());
        Assert.Equal(["2026-01-01", "2026-07-01"], domestic.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("effectiveFrom").GetString()));
        Assert.Equal(20m, domestic.GetProperty("versions")[0].GetProperty("zones")[0].GetProperty("percent").GetDecimal());
        Assert.Equal(["C-000001"], domestic.GetProperty("consumers").EnumerateArray().Select(c => c.GetString()));
    }
}
