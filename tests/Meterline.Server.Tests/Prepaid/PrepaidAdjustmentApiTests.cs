using System.Net;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>The adjustment requests API on a running node whose adjustments above 1,000 wait for a second admin.</summary>
public sealed class PrepaidAdjustmentApiTests : IAsyncLifetime
{
    private RunningNode _node = null!;

    public async Task InitializeAsync() =>
        _node = await RunningNode.StartAsync(o => o with
        {
            Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"),
            Analytics = null,
            Prepaid = new PrepaidOptions { AdjustmentApprovalThreshold = 1_000m },
        });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Adjustment_AboveTheThreshold_AcceptedThenApprovedBySecondAdminSelfApprovalForbidden()
    {
        var client = _node.Client;
        (await Api.SendAsync(client, HttpMethod.Put, "/api/prepaid/C-ADJ-1", actor: "operator-3")).Dispose();
        (await Api.PostAsync(client, "/api/prepaid/C-ADJ-1/top-ups", """{"amount":500}""", "cashier-1", "pay-1")).Dispose();

        using var small = await Api.PostAsync(client, "/api/prepaid/C-ADJ-1/adjustments", """{"amount":-100,"reason":"rounding"}""", "admin-1", "adj-small");
        using var large = await Api.PostAsync(client, "/api/prepaid/C-ADJ-1/adjustments", """{"amount":2500,"reason":"refund, case 7"}""", "admin-1", "adj-large");

        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, large.StatusCode);
        var request = await Api.JsonAsync(large);
        var id = request.GetProperty("id").GetInt64();
        Assert.Equal($"/api/prepaid/adjustment-requests/{id}", large.Headers.Location!.OriginalString);
        Assert.Equal(("pending", 2500m, "admin-1"), (request.GetProperty("state").GetString(), request.GetProperty("amount").GetDecimal(), request.GetProperty("requestedBy").GetString()));
        Assert.Equal(400m, (await client.GetFromJsonElementAsync("/api/prepaid/C-ADJ-1")).GetProperty("balance").GetDecimal());
        var pending = await client.GetFromJsonElementAsync("/api/prepaid/adjustment-requests?state=pending&consumer=C-ADJ-1");
        Assert.Equal(id, Assert.Single(pending.EnumerateArray()).GetProperty("id").GetInt64());

        using var own = await Api.PostAsync(client, $"/api/prepaid/adjustment-requests/{id}/approve", "{}", "admin-1");
        using var unknown = await Api.PostAsync(client, "/api/prepaid/adjustment-requests/999999/approve", "{}", "admin-2");
        using var badState = await client.GetAsync(new Uri("/api/prepaid/adjustment-requests?state=waiting", UriKind.Relative));
        using var approved = await Api.PostAsync(client, $"/api/prepaid/adjustment-requests/{id}/approve", "{}", "admin-2");
        using var twice = await Api.PostAsync(client, $"/api/prepaid/adjustment-requests/{id}/reject", "{}", "admin-3");

        await Api.AssertProblemAsync(own, HttpStatusCode.Forbidden, "self-approval");
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-approval");
        await Api.AssertProblemAsync(badState, HttpStatusCode.BadRequest, "bad-request");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await Api.JsonAsync(approved);
        Assert.Equal(("applied", "admin-2"), (decision.GetProperty("request").GetProperty("state").GetString(), decision.GetProperty("request").GetProperty("decidedBy").GetString()));
        Assert.Equal(2900m, decision.GetProperty("account").GetProperty("balance").GetDecimal());
        Assert.Equal("admin-2", decision.GetProperty("entry").GetProperty("actor").GetString());
        await Api.AssertProblemAsync(twice, HttpStatusCode.Conflict, "approval-not-pending");
        Assert.Equal(2900m, (await client.GetFromJsonElementAsync("/api/prepaid/C-ADJ-1")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task AdjustmentRequests_Operator_Forbidden()
    {
        using var @operator = new HttpClient { BaseAddress = _node.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        @operator.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(_node.Node.Access, "operator-7", HeadEnd.Access.AccessRole.Operator);

        using var list = await @operator.GetAsync(new Uri("/api/prepaid/adjustment-requests", UriKind.Relative));
        using var approve = await @operator.PostAsync(new Uri("/api/prepaid/adjustment-requests/1/approve", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        await Api.AssertProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        await Api.AssertProblemAsync(approve, HttpStatusCode.Forbidden, "forbidden");
    }
}
