using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests.Alerts;

/// <summary>The alerts API on a running node (SQLite): listing with filters and paging, acknowledging and closing, refusals.</summary>
public sealed class AlertsApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private HttpClient Client => fixture.Node.Client;

    private async Task<Alert> RaiseAsync(MeterId meter, string rule, string discriminator = "")
    {
        var finding = new Finding(meter, rule, AlertCategory.Theft, AlertSeverity.Warning, 0.8, "A test finding.", T0, T0.AddMinutes(30),
            [new EvidenceItem(T0.AddMinutes(30), EvidenceItem.Reading, "neutral current", 2.5, "A")], discriminator);
        var result = await fixture.Node.Node.Alerts.RaiseAsync(finding);
        Assert.Equal(AlertRaiseOutcome.Opened, result.Outcome);
        return result.Alert!;
    }

    [Fact]
    public async Task ListAlerts_FilteredByMeterStateAndRule_PagedNewestFirst()
    {
        var meter = await fixture.AddMeterAsync();
        var other = await fixture.AddMeterAsync();
        var a = await RaiseAsync(meter.Id, "neutral-mismatch");
        var b = await RaiseAsync(meter.Id, "reverse-energy");
        var c = await RaiseAsync(meter.Id, "reverse-energy", "x");
        await RaiseAsync(other.Id, "reverse-energy");

        var first = await Client.GetFromJsonElementAsync($"/api/alerts?meter={meter.Serial}&state=open&pageSize=2");
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await Client.GetFromJsonElementAsync($"/api/alerts?meter={meter.Serial}&state=open&pageSize=2&pageToken={token}");
        var byRule = await Client.GetFromJsonElementAsync($"/api/alerts?meter={meter.Serial}&rule=reverse-energy");

        Assert.Equal([c.Id.Value, b.Id.Value], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal([a.Id.Value], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextPageToken").ValueKind);
        Assert.Equal(2, byRule.GetProperty("items").GetArrayLength());
        var item = first.GetProperty("items")[0];
        Assert.Equal(meter.Serial, item.GetProperty("serial").GetString());
        Assert.Equal("Open", item.GetProperty("state").GetString());
        Assert.Equal("Warning", item.GetProperty("severity").GetString());
        Assert.Equal(2.5, item.GetProperty("evidence")[0].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task AcknowledgeThenClose_RecordsActorsAndAudits()
    {
        var meter = await fixture.AddMeterAsync();
        var alert = await RaiseAsync(meter.Id, "zero-consumption-with-current");

        using var acknowledge = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/acknowledge", "{}", actor: "operator-3");
        using var again = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/acknowledge", "{}", actor: "operator-3");
        using var close = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/close", "{}", actor: "supervisor-1");
        using var reclose = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/close", "{}", actor: "supervisor-1");

        Assert.Equal(HttpStatusCode.OK, acknowledge.StatusCode);
        await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, "alert-state-conflict");
        var closed = await Api.JsonAsync(close);
        Assert.Equal(("Closed", "operator-3", "supervisor-1"), (closed.GetProperty("state").GetString(), closed.GetProperty("acknowledgedBy").GetString(), closed.GetProperty("closedBy").GetString()));
        await Api.AssertProblemAsync(reclose, HttpStatusCode.Conflict, "alert-state-conflict");
        var audit = await Client.GetFromJsonElementAsync("/api/audit?after=0&pageSize=1000");
        var entries = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == "alert:" + alert.Id).ToList();
        Assert.Equal([AlertAuditActions.Opened, AlertAuditActions.Acknowledged, AlertAuditActions.Closed], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["analytics", "operator-3", "supervisor-1"], entries.Select(e => e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Assign_ThenRelease_RecordsTheAssigneeAndAudits_RefusedOnceClosed()
    {
        var meter = await fixture.AddMeterAsync();
        var alert = await RaiseAsync(meter.Id, "zero-consumption-with-current");

        using var assign = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/assign", """{"assignee":"field-crew-7"}""", actor: "supervisor-2");
        var assigned = await Api.JsonAsync(assign);
        Assert.Equal(("Open", "field-crew-7", "supervisor-2"), (assigned.GetProperty("state").GetString(), assigned.GetProperty("assignedTo").GetString(), assigned.GetProperty("assignedBy").GetString()));
        using var tooLong = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/assign", $$"""{"assignee":"{{new string('x', 257)}}"}""", actor: "supervisor-2");
        await Api.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "bad-request");
        using var release = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/assign", """{"assignee":null}""", actor: "field-crew-7");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Api.JsonAsync(release)).GetProperty("assignedTo").ValueKind);
        using var close = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/close", "{}", actor: "supervisor-2");
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        using var late = await Api.PostAsync(Client, $"/api/alerts/{alert.Id}/assign", """{"assignee":"field-crew-7"}""", actor: "supervisor-2");
        await Api.AssertProblemAsync(late, HttpStatusCode.Conflict, "alert-state-conflict");
        using var unknown = await Api.PostAsync(Client, "/api/alerts/999999/assign", """{"assignee":"x"}""", actor: "supervisor-2");
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-alert");

        var audit = await Client.GetFromJsonElementAsync("/api/audit?after=0&pageSize=1000");
        var entries = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == "alert:" + alert.Id).ToList();
        Assert.Equal([AlertAuditActions.Opened, AlertAuditActions.Assigned, AlertAuditActions.Assigned, AlertAuditActions.Closed], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["analytics", "supervisor-2", "field-crew-7", "supervisor-2"], entries.Select(e => e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Requests_UnknownAlertOrMalformedQuery_Refused()
    {
        var meter = await fixture.AddMeterAsync();
        var alert = await RaiseAsync(meter.Id, "clock-anomaly");

        using var unknown = await Api.PostAsync(Client, "/api/alerts/999999/close", "{}", actor: "operator-3");
        using var badState = await Client.GetAsync(new Uri("/api/alerts?state=1", UriKind.Relative));
        using var badToken = await Client.GetAsync(new Uri("/api/alerts?pageToken=nonsense", UriKind.Relative));

        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-alert");
        await Api.AssertProblemAsync(badState, HttpStatusCode.BadRequest, "bad-request");
        await Api.AssertProblemAsync(badToken, HttpStatusCode.BadRequest, "invalid-paging");
        Assert.Equal("Open", (await Client.GetFromJsonElementAsync($"/api/alerts/{alert.Id}")).GetProperty("state").GetString());
    }
}
