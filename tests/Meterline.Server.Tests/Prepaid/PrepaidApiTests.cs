using System.Net;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>The prepaid API on a running node (its own prepaid loop on): open, read, top up idempotently, page the ledger, and every refusal.</summary>
public sealed class PrepaidApiTests : IAsyncLifetime
{
    private RunningNode _node = null!;

    public async Task InitializeAsync() =>
        _node = await RunningNode.StartAsync(o => o with { Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"), Analytics = null });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task TopUp_RetriedWithTheSameKey_AppliedOnceAndAudited()
    {
        var client = _node.Client;
        using (var opened = await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-1", actor: "operator-3"))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            var account = await Api.JsonAsync(opened);
            Assert.Equal("INR", account.GetProperty("currency").GetString());
            Assert.Equal(0m, account.GetProperty("balance").GetDecimal());
            Assert.Equal("Connected", account.GetProperty("state").GetString());
        }

        using (var again = await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-1", actor: "operator-3"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using var first = await Api.PostAsync(client, "/api/prepaid/C-API-1/top-ups", """{"amount":250.50,"reference":"receipt 77"}""", "cashier-1", "pay-77");
        using var retried = await Api.PostAsync(client, "/api/prepaid/C-API-1/top-ups", """{"amount":250.50,"reference":"receipt 77"}""", "cashier-1", "pay-77");
        using var reused = await Api.PostAsync(client, "/api/prepaid/C-API-1/top-ups", """{"amount":999,"reference":"receipt 78"}""", "cashier-1", "pay-77");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var firstBody = await Api.JsonAsync(first);
        var retriedBody = await Api.JsonAsync(retried);
        Assert.Equal(firstBody.GetProperty("entry").GetProperty("sequence").GetInt64(), retriedBody.GetProperty("entry").GetProperty("sequence").GetInt64());
        Assert.True(retriedBody.GetProperty("repeated").GetBoolean());
        await Api.AssertProblemAsync(reused, HttpStatusCode.Conflict, "idempotency-key-reused");
        var account2 = await client.GetFromJsonElementAsync("/api/prepaid/C-API-1");
        Assert.Equal(250.50m, account2.GetProperty("balance").GetDecimal());
        Assert.False(account2.GetProperty("lowBalance").GetBoolean());
        Assert.Equal(JsonNull, account2.GetProperty("pendingDisconnect").ValueKind);
        Assert.Equal(JsonNull, account2.GetProperty("lastDeduction").ValueKind);
        var audit = await _node.Node.Storage.Audit.GetRecentAsync(PrepaidAuditActions.Subject("C-API-1"), 100);
        Assert.Single(audit, r => r.Action == PrepaidAuditActions.TopUp && r.Actor == "cashier-1");
        Assert.Single(audit, r => r.Action == PrepaidAuditActions.AccountOpened && r.Actor == "operator-3");
    }

    [Fact]
    public async Task Ledger_Paged_NewestFirstToTheEnd()
    {
        var client = _node.Client;
        (await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-2")).Dispose();
        for (var i = 1; i <= 5; i++)
        {
            using var topUp = await Api.PostAsync(client, "/api/prepaid/C-API-2/top-ups", $$"""{"amount":{{i}}}""", idempotencyKey: "k" + i);
            Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
        }

        var sequences = new List<long>();
        string? token = null;
        do
        {
            var page = await client.GetFromJsonElementAsync("/api/prepaid/C-API-2/ledger?pageSize=2" + (token is null ? string.Empty : "&pageToken=" + token));
            sequences.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            token = page.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);

        Assert.Equal([5L, 4, 3, 2, 1], sequences);
        Assert.Equal(15m, (await client.GetFromJsonElementAsync("/api/prepaid/C-API-2")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Refusals_EachWithItsProblemType()
    {
        var client = _node.Client;
        (await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-3")).Dispose();

        using var noKey = await Api.PostAsync(client, "/api/prepaid/C-API-3/top-ups", """{"amount":10}""");
        using var negative = await Api.PostAsync(client, "/api/prepaid/C-API-3/top-ups", """{"amount":-10}""", idempotencyKey: "n1");
        using var fractions = await Api.PostAsync(client, "/api/prepaid/C-API-3/top-ups", """{"amount":10.001}""", idempotencyKey: "n2");
        using var noAmount = await Api.PostAsync(client, "/api/prepaid/C-API-3/top-ups", """{"reference":"x"}""", idempotencyKey: "n3");
        using var unknown = await Api.PostAsync(client, "/api/prepaid/C-NOBODY/top-ups", """{"amount":10}""", idempotencyKey: "n4");
        using var unknownGet = await client.GetAsync(new Uri("/api/prepaid/C-NOBODY", UriKind.Relative));
        using var unknownLedger = await client.GetAsync(new Uri("/api/prepaid/C-NOBODY/ledger", UriKind.Relative));
        using var badPage = await client.GetAsync(new Uri("/api/prepaid/C-API-3/ledger?pageToken=bogus", UriKind.Relative));

        await Api.AssertProblemAsync(noKey, HttpStatusCode.BadRequest, "idempotency-key-required");
        await Api.AssertProblemAsync(negative, HttpStatusCode.BadRequest, "invalid-top-up");
        await Api.AssertProblemAsync(fractions, HttpStatusCode.BadRequest, "invalid-top-up");
        await Api.AssertProblemAsync(noAmount, HttpStatusCode.BadRequest, "invalid-top-up");
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-prepaid-account");
        await Api.AssertProblemAsync(unknownGet, HttpStatusCode.NotFound, "unknown-prepaid-account");
        await Api.AssertProblemAsync(unknownLedger, HttpStatusCode.NotFound, "unknown-prepaid-account");
        await Api.AssertProblemAsync(badPage, HttpStatusCode.BadRequest, "invalid-paging");
        Assert.Equal(0m, (await client.GetFromJsonElementAsync("/api/prepaid/C-API-3")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Open_NoTariffForTheConsumer_Refused()
    {
        await using var bare = await RunningNode.StartAsync(o => o with { Analytics = null });

        using var refused = await Api.SendAsync(bare.Client, HttpMethod.Put, "/api/prepaid/C-API-4");

        await Api.AssertProblemAsync(refused, HttpStatusCode.Conflict, "prepaid-account-refused");
    }

    [Fact]
    public async Task Get_AfterConsumption_ShowsTheLastDeductionAndTheLowBalanceFlag()
    {
        var client = _node.Client;
        var provisioned = await _node.Node.Provisioner.AddAsync(new MeterRegistration("PPAPI00001", new MeterSystemTitle(0x4D544C00DA000001UL), "is15959-single-phase", ConsumerId: "C-API-5"), "test");
        (await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-5")).Dispose();
        (await Api.PostAsync(client, "/api/prepaid/C-API-5/top-ups", """{"amount":5000}""", idempotencyKey: "big")).Dispose();
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await _node.Node.Storage.Readings.WriteAsync(new HeadEnd.Readings.IngestBatch(
            [new HeadEnd.Readings.IntervalReading(provisioned.Meter!.Value, new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero), HeadEnd.Readings.Quantity.BlockImportEnergy, 2000, HeadEnd.Readings.ReadingQuality.Authenticated)],
            [], [], new Dictionary<MeterId, uint>()));

        await _node.Node.Prepaid!.SettleAsync("C-API-5");
        var account = await client.GetFromJsonElementAsync("/api/prepaid/C-API-5");

        Assert.True(account.GetProperty("balance").GetDecimal() < 5000m);
        Assert.True(account.GetProperty("lastDeduction").GetProperty("amount").GetDecimal() < 0m);
        Assert.False(account.GetProperty("lowBalance").GetBoolean());
        Assert.Equal(100m, account.GetProperty("lowBalanceThreshold").GetDecimal());
    }

    [Fact]
    public async Task Adjustment_AdminWithReasonAndKey_ShownInTheLedgerAsAnAdjustmentOperatorForbidden()
    {
        var client = _node.Client;
        (await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-API-9", actor: "operator-3")).Dispose();
        (await Api.PostAsync(client, "/api/prepaid/C-API-9/top-ups", """{"amount":500}""", "cashier-1", "pay-9")).Dispose();
        using var @operator = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        @operator.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(_node.Node.Access, "operator-9", HeadEnd.Access.AccessRole.Operator);

        using var forbidden = await @operator.PostAsync(new Uri("/api/prepaid/C-API-9/adjustments", UriKind.Relative), new StringContent("""{"amount":-20,"reason":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        using var noReason = await Api.PostAsync(client, "/api/prepaid/C-API-9/adjustments", """{"amount":-20}""", "admin-2", "adj-0");
        using var noKey = await Api.PostAsync(client, "/api/prepaid/C-API-9/adjustments", """{"amount":-20,"reason":"x"}""", "admin-2");
        using var debit = await Api.PostAsync(client, "/api/prepaid/C-API-9/adjustments", """{"amount":-120.25,"reason":"tamper back-billing, case 41"}""", "admin-2", "adj-41");
        using var retried = await Api.PostAsync(client, "/api/prepaid/C-API-9/adjustments", """{"amount":-120.25,"reason":"tamper back-billing, case 41"}""", "admin-2", "adj-41");
        using var topUpKey = await Api.PostAsync(client, "/api/prepaid/C-API-9/adjustments", """{"amount":500,"reason":"same key as a payment"}""", "admin-2", "pay-9");

        await Api.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        await Api.AssertProblemAsync(noReason, HttpStatusCode.BadRequest, "invalid-adjustment");
        await Api.AssertProblemAsync(noKey, HttpStatusCode.BadRequest, "idempotency-key-required");
        Assert.Equal(HttpStatusCode.Created, debit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.True((await Api.JsonAsync(retried)).GetProperty("repeated").GetBoolean());
        await Api.AssertProblemAsync(topUpKey, HttpStatusCode.Conflict, "idempotency-key-reused");
        var ledger = await client.GetFromJsonElementAsync("/api/prepaid/C-API-9/ledger");
        var newest = ledger.GetProperty("items")[0];
        Assert.Equal(("Adjustment", -120.25m, 379.75m, "tamper back-billing, case 41", "admin-2"),
            (newest.GetProperty("kind").GetString(), newest.GetProperty("amount").GetDecimal(), newest.GetProperty("balanceAfter").GetDecimal(), newest.GetProperty("reference").GetString(), newest.GetProperty("actor").GetString()));
        Assert.Equal(379.75m, (await client.GetFromJsonElementAsync("/api/prepaid/C-API-9")).GetProperty("balance").GetDecimal());
        var audit = await _node.Node.Storage.Audit.GetRecentAsync(PrepaidAuditActions.Subject("C-API-9"), 100);
        Assert.Single(audit, r => r.Action == PrepaidAuditActions.Adjustment && r.Actor == "admin-2");
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
