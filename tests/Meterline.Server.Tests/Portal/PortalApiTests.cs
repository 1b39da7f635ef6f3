using System.Net;
using System.Net.Http.Headers;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Tests.Portal;

/// <summary>
/// The consumer portal's API (/api/me, /my/bills): a consumer sees their own meters, usage, cost so far, bills and
/// prepaid account; another consumer's meter or bill answers exactly as one that does not exist, and is audited.
/// </summary>
public sealed class PortalApiTests(PortalNodeFixture fixture) : IClassFixture<PortalNodeFixture>
{
    private static readonly BillingMonth March = new(2026, 3);
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    [Fact]
    public async Task GetMyMeter_HourlyIntervals_CostSoFarPricedAndUsagePerDayAndMonth()
    {
        // C-000001 is on "domestic" with 3 kW sanctioned. 4 hours of 25 kWh, local 10:00–14:00 (no time-of-use zone):
        // 100 kWh × 3.00 = 300.00; fixed 50.00 + 3 kW × 20.00 = 110.00; duty 5 % of 300.00 = 15.00; cess 100 × 0.10 = 10.00.
        var meter = await fixture.AddMeterAsync("C-000001");
        await fixture.StoreHourlyAsync(meter, new DateTimeOffset(2026, 3, 10, 4, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 10, 8, 30, 0, TimeSpan.Zero), 25_000);
        using var client = await ClientAsync("portal-cost", "C-000001");

        using var response = await client.GetAsync(new Uri($"/api/me/meters/{meter.Serial}", UriKind.Relative)).WaitAsync(RunningNode.Bound);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await Api.JsonAsync(response);
        var cost = body.GetProperty("costSoFar");
        Assert.Equal("2026-03", cost.GetProperty("month").GetString());
        Assert.Equal("Domestic LT-1 (telescopic, time of use)", cost.GetProperty("tariff").GetString());
        Assert.Equal("INR", cost.GetProperty("currency").GetString());
        Assert.Equal(100m, cost.GetProperty("kwh").GetDecimal());
        Assert.Equal(435.00m, cost.GetProperty("total").GetDecimal());
        var days = body.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal("2026-03-10", days[^1].GetProperty("period").GetString());
        Assert.Equal(100, days[^1].GetProperty("kwh").GetDouble(), 6);
        Assert.Equal(100, days.Sum(d => d.GetProperty("kwh").GetDouble()), 6);
        var months = body.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(12, months.Count);
        Assert.Equal("2026-03", months[^1].GetProperty("period").GetString());
        Assert.Equal("2025-04", months[0].GetProperty("period").GetString());
        Assert.Equal(100, months[^1].GetProperty("kwh").GetDouble(), 6);
    }

    [Fact]
    public async Task Me_Consumer_OnlyTheirMetersAndTheirBillPrintable()
    {
        var own = await fixture.AddMeterAsync("C-000010");
        await fixture.AddMeterAsync("C-000011");
        var bill = await IssueMarchAsync(own);
        using var client = await ClientAsync("portal-own", "C-000010");

        var me = await client.GetFromJsonElementAsync("/api/me").WaitAsync(RunningNode.Bound);
        using var bills = await client.GetAsync(new Uri($"/api/me/meters/{own.Serial}/bills", UriKind.Relative));
        using var one = await client.GetAsync(new Uri($"/api/me/bills/{bill.Number}", UriKind.Relative));
        using var printable = await client.GetAsync(new Uri($"/my/bills/{bill.Number}", UriKind.Relative));

        Assert.Equal("C-000010", me.GetProperty("consumerId").GetString());
        Assert.Equal([own.Serial], me.GetProperty("meters").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(HttpStatusCode.OK, bills.StatusCode);
        Assert.Equal(bill.Number, (await Api.JsonAsync(bills))[0].GetProperty("number").GetString());
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, printable.StatusCode);
        Assert.Equal("text/html", printable.Content.Headers.ContentType!.MediaType);
        Assert.Contains(bill.Number, await printable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherConsumersMeterAndBill_404LikeUnknownAndAudited()
    {
        var own = await fixture.AddMeterAsync("C-000005");
        var other = await fixture.AddMeterAsync("C-000006");
        var otherBill = await IssueMarchAsync(other);
        using var client = await ClientAsync("portal-intruder", "C-000005");

        using var otherMeter = await client.GetAsync(new Uri($"/api/me/meters/{other.Serial}", UriKind.Relative)).WaitAsync(RunningNode.Bound);
        using var unknownMeter = await client.GetAsync(new Uri("/api/me/meters/NOSUCH01", UriKind.Relative));
        using var otherBills = await client.GetAsync(new Uri($"/api/me/meters/{other.Serial}/bills", UriKind.Relative));
        using var otherOne = await client.GetAsync(new Uri($"/api/me/bills/{otherBill.Number}", UriKind.Relative));
        using var unknownOne = await client.GetAsync(new Uri("/api/me/bills/NOSUCH-BILL", UriKind.Relative));
        using var otherPrintable = await client.GetAsync(new Uri($"/my/bills/{otherBill.Number}", UriKind.Relative));
        using var ownMeter = await client.GetAsync(new Uri($"/api/me/meters/{own.Serial}", UriKind.Relative));

        Assert.Equal(
            await Api.AssertProblemAsync(unknownMeter, HttpStatusCode.NotFound, "unknown-meter"),
            await Api.AssertProblemAsync(otherMeter, HttpStatusCode.NotFound, "unknown-meter"));
        await Api.AssertProblemAsync(otherBills, HttpStatusCode.NotFound, "unknown-meter");
        Assert.Equal(
            await Api.AssertProblemAsync(unknownOne, HttpStatusCode.NotFound, "unknown-bill"),
            await Api.AssertProblemAsync(otherOne, HttpStatusCode.NotFound, "unknown-bill"));
        await Api.AssertProblemAsync(otherPrintable, HttpStatusCode.NotFound, "unknown-bill");
        Assert.Equal(HttpStatusCode.OK, ownMeter.StatusCode);
        // The first refusal is written; the rest of the minute's from the same address are counted (DenialAuditor).
        var audit = await fixture.Node.Node.Stores.Audit.GetRecentAsync(null, 200);
        Assert.Contains(audit, e => e.Action == "access.denied.not-owner" && e.Actor == "portal-intruder" && e.Subject == $"GET /api/me/meters/{other.Serial}");
    }

    [Fact]
    public async Task GetMyPrepaid_AccountTopped_BalanceAndLedger()
    {
        await fixture.AddMeterAsync("C-000007");
        var prepaid = fixture.Node.Node.Prepaid!;
        await prepaid.OpenAsync("C-000007", "test");
        var topUp = await prepaid.TopUpAsync("C-000007", 500m, "portal-api-test-1", "RCPT-1", "test");
        using var client = await ClientAsync("portal-prepaid", "C-000007");
        using var none = await ClientAsync("portal-postpaid", "C-000008");

        var body = await client.GetFromJsonElementAsync("/api/me/prepaid").WaitAsync(RunningNode.Bound);
        using var missing = await none.GetAsync(new Uri("/api/me/prepaid", UriKind.Relative));

        Assert.Equal(HeadEnd.Prepaid.TopUpOutcome.Applied, topUp.Outcome);
        Assert.Equal("C-000007", body.GetProperty("account").GetProperty("consumer").GetString());
        Assert.Contains(body.GetProperty("ledger").EnumerateArray(), e => e.GetProperty("reference").GetString() == "RCPT-1" && e.GetProperty("amount").GetDecimal() == 500m);
        await Api.AssertProblemAsync(missing, HttpStatusCode.NotFound, "unknown-prepaid-account");
    }

    [Fact]
    public async Task PortalApi_StaffToken_403Forbidden()
    {
        using var client = new HttpClient { BaseAddress = fixture.Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(fixture.Node.Node.Access, "portal-staff", AccessRole.Admin);

        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative)).WaitAsync(RunningNode.Bound);

        await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<HttpClient> ClientAsync(string name, string consumer)
    {
        var client = new HttpClient { BaseAddress = fixture.Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(fixture.Node.Node.Access, name, AccessRole.Consumer, consumer);
        return client;
    }

    private async Task<Bill> IssueMarchAsync(HeadEnd.Meters.Meter meter)
    {
        var (start, end) = March.Bounds(Kolkata);
        await fixture.StoreSnapshotsAsync(meter, (start, 1_000_000), (end, 1_120_000));
        var issued = await fixture.Node.Node.Billing.IssueAsync(meter.Id, March, reissue: false, "test").WaitAsync(RunningNode.Bound);
        Assert.Equal(BillIssueOutcome.Issued, issued.Outcome);
        return issued.Bill!;
    }
}
