using System.Net;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests.Approvals;

/// <summary>
/// Bulk disconnects through the API of a whole node against a real simulated fleet over DLMS/TCP, with the approval
/// threshold at 2: three meters wait for a second operator; the requester cannot approve; another operator's
/// approval sends the commands and the relays open; decisions and requests are audited.
/// </summary>
public sealed class ApprovalsApiTests
{
    [Fact]
    public async Task BulkDisconnect_AboveThreshold_WaitsRequesterRefusedSecondOperatorApprovesRelaysOpen()
    {
        await using var node = await RunningNode.StartAsync(o => o with { Approvals = new ApprovalOptions { Threshold = 2 } });
        await using var fleet = await TestFleet.StartAsync(3, node.PushEndpoint);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        using var created = await Api.PostAsync(node.Client, "/api/commands/bulk", """{"kind":"disconnect","meters":["MTL00000001","MTL00000002",3],"note":"arrears"}""", "alice");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await Api.JsonAsync(created);
        Assert.True(body.GetProperty("waitsForApproval").GetBoolean());
        Assert.Empty(body.GetProperty("commands").EnumerateArray());
        var location = created.Headers.Location!.OriginalString;
        var id = body.GetProperty("approval").GetProperty("id").GetInt64();
        Assert.Equal($"/api/approvals/{id}", location);
        var commands = await node.Client.GetFromJsonElementAsync("/api/commands");
        Assert.Empty(commands.GetProperty("items").EnumerateArray());
        var pending = await node.Client.GetFromJsonElementAsync("/api/approvals?state=pending");
        Assert.Equal(id, Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());

        using (var own = await Api.PostAsync(node.Client, location + "/approve", "{}", "alice"))
        {
            await Api.AssertProblemAsync(own, HttpStatusCode.Forbidden, "self-approval");
        }

        using var approved = await Api.PostAsync(node.Client, location + "/approve", """{"note":"checked the list"}""", "bob");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = await Api.JsonAsync(approved);
        Assert.Equal(("Completed", "bob", 3, 0), (decided.GetProperty("state").GetString(), decided.GetProperty("decidedBy").GetString(), decided.GetProperty("created").GetInt32(), decided.GetProperty("refused").GetInt32()));
        using (var again = await Api.PostAsync(node.Client, location + "/reject", "{}", "carol"))
        {
            await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, "approval-not-pending");
        }

        var sent = await node.Client.GetFromJsonElementAsync("/api/commands");
        foreach (var command in sent.GetProperty("items").EnumerateArray())
        {
            var final = await Api.WaitFinalAsync(node.Client, $"/api/commands/{command.GetProperty("id").GetInt64()}");
            Assert.Equal(("Confirmed", "alice"), (final.GetProperty("state").GetString(), final.GetProperty("requestedBy").GetString()));
        }

        Assert.Equal(3, sent.GetProperty("items").GetArrayLength());
        var meters = await node.Node.Meters.ListAsync(new MeterFilter(), 10);
        Assert.All(meters.Items, m => Assert.Equal(RelayState.Disconnected, m.RelayState));
        var audit = (await node.Client.GetFromJsonElementAsync("/api/audit?pageSize=1000")).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString())).ToList();
        Assert.Contains(("alice", ApprovalAuditActions.Requested), audit);
        Assert.Contains(("alice", ApprovalAuditActions.SelfDecisionRefused), audit);
        Assert.Contains(("bob", ApprovalAuditActions.Approved), audit);
    }

    [Fact]
    public async Task BulkRequest_BadKindUnknownMeterOrUnknownApproval_Problems()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        using var read = await Api.PostAsync(node.Client, "/api/commands/bulk", """{"kind":"read","meters":["MTL00000001"]}""", "alice");
        await Api.AssertProblemAsync(read, HttpStatusCode.BadRequest, "invalid-bulk-request");
        using var unknown = await Api.PostAsync(node.Client, "/api/commands/bulk", """{"kind":"disconnect","meters":["MTL00000001","NOPE"]}""", "alice");
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-meter");
        using var none = await node.Client.GetAsync(new Uri("/api/approvals/99", UriKind.Relative));
        await Api.AssertProblemAsync(none, HttpStatusCode.NotFound, "unknown-approval");
        using var small = await Api.PostAsync(node.Client, "/api/commands/bulk", """{"kind":"disconnect","meters":["MTL00000001"]}""", "alice");
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        var body = await Api.JsonAsync(small);
        Assert.False(body.GetProperty("waitsForApproval").GetBoolean());
        Assert.Single(body.GetProperty("commands").EnumerateArray());
    }
}
