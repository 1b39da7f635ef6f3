using System.Net;
using Meterline.HeadEnd.Access;

namespace Meterline.Server.Tests.Portal;

/// <summary>
/// <c>POST /api/me/prepaid/top-ups</c>: a consumer records a payment on their own prepaid account, applied once per
/// Idempotency-Key and audited with the consumer as actor; refused on a node that does not take consumers' top-ups.
/// </summary>
public sealed class PortalTopUpApiTests(PortalNodeFixture fixture) : IClassFixture<PortalNodeFixture>
{
    [Fact]
    public async Task TopUp_OwnAccount_CreditedOnceAndAudited()
    {
        await fixture.AddMeterAsync("C-000020");
        await fixture.Node.Node.Prepaid!.OpenAsync("C-000020", "test");
        using var client = await ClientAsync(fixture.Node, "portal-payer", "C-000020");

        using var first = await Api.PostAsync(client, "/api/me/prepaid/top-ups", """{"amount":250.00,"reference":"UPI-77"}""", idempotencyKey: "me-key-1").WaitAsync(RunningNode.Bound);
        using var again = await Api.PostAsync(client, "/api/me/prepaid/top-ups", """{"amount":250.00,"reference":"UPI-77"}""", idempotencyKey: "me-key-1").WaitAsync(RunningNode.Bound);
        using var reused = await Api.PostAsync(client, "/api/me/prepaid/top-ups", """{"amount":99.00}""", idempotencyKey: "me-key-1").WaitAsync(RunningNode.Bound);

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        Assert.Equal("/api/me/prepaid", first.Headers.Location!.OriginalString);
        var created = await Api.JsonAsync(first);
        Assert.Equal(250.00m, created.GetProperty("account").GetProperty("balance").GetDecimal());
        Assert.False(created.GetProperty("repeated").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await Api.JsonAsync(again)).GetProperty("repeated").GetBoolean());
        await Api.AssertProblemAsync(reused, HttpStatusCode.Conflict, "idempotency-key-reused");
        var account = await fixture.Node.Node.Prepaid.Store.GetAsync("C-000020");
        Assert.Equal(250.00m, account!.Balance);
        var audit = await fixture.Node.Node.Stores.Audit.GetRecentAsync(null, 200);
        Assert.Single(audit, e => e.Action == "prepaid.top-up" && e.Actor == "portal-payer" && e.Subject.Contains("C-000020", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TopUp_AnotherConsumersAccountExists_404AndItIsUntouched()
    {
        // The route names no account: a consumer without one gets 404 however another consumer's account stands.
        await fixture.AddMeterAsync("C-000021");
        await fixture.AddMeterAsync("C-000022");
        await fixture.Node.Node.Prepaid!.OpenAsync("C-000021", "test");
        using var other = await ClientAsync(fixture.Node, "portal-other", "C-000022");

        using var response = await Api.PostAsync(other, "/api/me/prepaid/top-ups", """{"amount":100.00}""", idempotencyKey: "me-key-2").WaitAsync(RunningNode.Bound);

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-prepaid-account");
        Assert.Equal(0m, (await fixture.Node.Node.Prepaid.Store.GetAsync("C-000021"))!.Balance);
        Assert.Null(await fixture.Node.Node.Prepaid.Store.GetAsync("C-000022"));
    }

    [Theory]
    [InlineData("""{"amount":0}""", "me-key-3", "invalid-top-up")]
    [InlineData("""{"amount":10.001}""", "me-key-4", "invalid-top-up")]
    [InlineData("""{"reference":"no amount"}""", "me-key-5", "invalid-top-up")]
    [InlineData("""{"amount":10.00}""", null, "idempotency-key-required")]
    public async Task TopUp_Malformed_400AndNothingCredited(string json, string? key, string problem)
    {
        await fixture.AddMeterAsync("C-000023");
        await fixture.Node.Node.Prepaid!.OpenAsync("C-000023", "test");
        using var client = await ClientAsync(fixture.Node, "portal-malformed-" + (key ?? "none"), "C-000023");

        using var response = await Api.PostAsync(client, "/api/me/prepaid/top-ups", json, idempotencyKey: key).WaitAsync(RunningNode.Bound);

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, problem);
        Assert.Equal(0m, (await fixture.Node.Node.Prepaid.Store.GetAsync("C-000023"))!.Balance);
    }

    [Fact]
    public async Task TopUp_StaffToken_403Forbidden()
    {
        using var client = new HttpClient { BaseAddress = fixture.Node.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(fixture.Node.Node.Access, "portal-topup-staff", AccessRole.Operator);

        using var response = await Api.PostAsync(client, "/api/me/prepaid/top-ups", """{"amount":10.00}""", idempotencyKey: "me-key-6").WaitAsync(RunningNode.Bound);

        await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task TopUp_NodeWithoutConsumerTopUps_409AuditedAndNothingCredited()
    {
        await using var node = await RunningNode.StartAsync(o => o with { Analytics = null });
        using var client = await ClientAsync(node, "portal-off", "C-000030");

        using var response = await Api.PostAsync(client, "/api/me/prepaid/top-ups", """{"amount":10.00}""", idempotencyKey: "me-key-7").WaitAsync(RunningNode.Bound);

        await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, "consumer-top-up-off");
        Assert.Empty(await node.Node.Prepaid!.Store.ListLedgerAsync("C-000030", null, 10));
        var audit = await node.Node.Stores.Audit.GetRecentAsync(null, 200);
        Assert.Contains(audit, e => e.Action == "prepaid.top-up.refused" && e.Actor == "portal-off" && e.Subject == "POST /api/me/prepaid/top-ups");
    }

    private static async Task<HttpClient> ClientAsync(RunningNode node, string name, string consumer)
    {
        var client = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(node.Node.Access, name, AccessRole.Consumer, consumer);
        return client;
    }
}
