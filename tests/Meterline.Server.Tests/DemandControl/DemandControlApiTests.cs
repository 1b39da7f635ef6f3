using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;
using Meterline.Meter.Control;

namespace Meterline.Server.Tests.DemandControl;

/// <summary>
/// Load limits through the API of a whole node against a real simulated fleet over DLMS/TCP: a loadLimit command,
/// a group limit on a feeder fanned out to every meter, the meters' confirmed limiters, an over-limit meter tripping
/// and the head-end receiving its event, and the problems of bad requests.
/// </summary>
public sealed class DemandControlApiTests
{
    private const string First = "MTL00000001";
    private const string Second = "MTL00000002";

    [Fact]
    public async Task LoadLimitCommand_ToASimulatedMeter_ConfirmedAndTheLimiterReadsBackThroughTheApi()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(2, node.PushEndpoint);
        await ImportAsync(node, fleet);
        using (var none = await node.Client.GetAsync(new Uri($"/api/meters/{First}/limiter", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(none, HttpStatusCode.NotFound, "no-limiter-settings");
        }

        using var created = await Api.PostAsync(node.Client, "/api/commands",
            $$"""{"meter":"{{First}}","kind":"loadLimit","parameters":{"normal":4000,"emergency":1500,"minOverSeconds":90,"minUnderSeconds":45,"unit":"W"} }""", "operator-3");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var command = await Api.WaitFinalAsync(node.Client, created.Headers.Location!.OriginalString);

        Assert.Equal("Confirmed", command.GetProperty("state").GetString());
        var meter = fleet.Simulator.Meters.Single(m => m.Id == First).Meter;
        Assert.Equal((4000u, 1500u, 90u, 45u), (meter.Limiter!.ThresholdNormal, meter.Limiter.ThresholdEmergency, meter.Limiter.MinOverThresholdDuration, meter.Limiter.MinUnderThresholdDuration));
        var limiter = await node.Client.GetFromJsonElementAsync($"/api/meters/{First}/limiter");
        Assert.Equal(First, limiter.GetProperty("meter").GetString());
        Assert.Equal(command.GetProperty("id").GetInt64(), limiter.GetProperty("command").GetInt64());
        var settings = limiter.GetProperty("limiter");
        Assert.Equal(("W", 4000, 1500, 4000), (settings.GetProperty("unit").GetString(), settings.GetProperty("normal").GetInt32(), settings.GetProperty("emergency").GetInt32(), settings.GetProperty("active").GetInt32()));
    }

    [Fact]
    public async Task DemandLimit_OnAFeeder_FansOutToEveryMeterAndProgressCompletes()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(2, node.PushEndpoint);
        await ImportAsync(node, fleet);
        await OnFeederAsync(node, "F-12", First, Second);
        var now = DateTimeOffset.UtcNow;
        var activateAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(18).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        using var created = await Api.PostAsync(node.Client, "/api/demand/limits",
            $$"""{"feeder":"F-12","limit":{"normal":6000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":60,"emergencyProfile":{"id":4,"activateAt":"{{activateAt}}","durationSeconds":7200} } }""", "dispatcher-1");

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var accepted = await Api.JsonAsync(created);
        Assert.Equal(("feeder", "F-12", 2), (accepted.GetProperty("target").GetString(), accepted.GetProperty("targetId").GetString(), accepted.GetProperty("meters").GetInt32()));
        var progress = await WaitCompleteAsync(node.Client, created.Headers.Location!.OriginalString);
        Assert.Equal(2, progress.GetProperty("states").GetProperty("Confirmed").GetInt32());
        Assert.Equal(0, progress.GetProperty("pending").GetInt32() + progress.GetProperty("rejected").GetInt32());
        Assert.Empty(progress.GetProperty("failed").EnumerateArray());
        foreach (var serial in new[] { First, Second })
        {
            var limiter = fleet.Simulator.Meters.Single(m => m.Id == serial).Meter.Limiter!;
            Assert.Equal((6000u, 2000u, (ushort)4, 7200u), (limiter.ThresholdNormal, limiter.ThresholdEmergency, limiter.EmergencyProfile.Id, limiter.EmergencyProfile.Duration));
            var confirmed = await node.Client.GetFromJsonElementAsync($"/api/meters/{serial}/limiter");
            Assert.Equal(4, confirmed.GetProperty("limiter").GetProperty("emergencyProfile").GetProperty("id").GetInt32());
        }

        var audit = await node.Client.GetFromJsonElementAsync("/api/audit?pageSize=1000");
        var requested = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == DemandAuditActions.LimitRequested);
        Assert.Equal(("dispatcher-1", "feeder:F-12"), (requested.GetProperty("actor").GetString(), requested.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task OverLimit_SimulatedMeterTrips_RelayOpensAndTheHeadEndRecordsTheEvent()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 60);
        await ImportAsync(node, fleet);
        var meter = fleet.Simulator.Meters[0].Meter;

        using var created = await Api.PostAsync(node.Client, "/api/demand/limits",
            $$"""{"meter":"{{First}}","limit":{"normal":1,"minOverSeconds":60,"minUnderSeconds":60} }""", "dispatcher-1");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var progress = await WaitCompleteAsync(node.Client, created.Headers.Location!.OriginalString);
        Assert.Equal(1, progress.GetProperty("states").GetProperty("Confirmed").GetInt32());

        var tripped = await WaitForEventAsync(node.Client, First, ControlEventCodes.LoadSwitchDisconnected);

        Assert.Equal(ControlEventCodes.LoadSwitchDisconnected, tripped.GetProperty("code").GetInt32());
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.ReadyForReconnection, meter.Relay.ControlState);
    }

    [Fact]
    public async Task Problems_BadRequests_ProblemDetailsOfEachCause()
    {
        await using var node = await RunningNode.StartAsync(o => o with { DemandControl = new DemandControlOptions { MaxGroupSize = 1 } });
        await using var fleet = await TestFleet.StartAsync(2, null);
        await ImportAsync(node, fleet);
        const string limit = """{"normal":5000,"minOverSeconds":60,"minUnderSeconds":30}""";

        await ProblemAsync(node, $$"""{"limit":{{limit}}}""", HttpStatusCode.BadRequest, "invalid-demand-target");
        await ProblemAsync(node, $$"""{"meter":"{{First}}","feeder":"F1","limit":{{limit}}}""", HttpStatusCode.BadRequest, "invalid-demand-target");
        await ProblemAsync(node, $$"""{"feeder":"NO-SUCH","limit":{{limit}}}""", HttpStatusCode.BadRequest, "invalid-demand-target");
        await ProblemAsync(node, $$"""{"meter":"MTL99999999","limit":{{limit}}}""", HttpStatusCode.NotFound, "unknown-meter");
        await ProblemAsync(node, $$"""{"meters":["{{First}}","{{Second}}"],"limit":{{limit}}}""", HttpStatusCode.UnprocessableEntity, "demand-group-too-large");
        var detail = await ProblemAsync(node, $$"""{"meter":"{{First}}","limit":{"normal":1000001,"minOverSeconds":60,"minUnderSeconds":30} }""", HttpStatusCode.BadRequest, "invalid-parameters");
        Assert.Contains("normal", detail, StringComparison.Ordinal);
        await ProblemAsync(node, $$"""{"meter":"{{First}}"}""", HttpStatusCode.BadRequest, "invalid-parameters");
        using (var unknown = await node.Client.GetAsync(new Uri("/api/demand/limits/424242", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-demand-limit");
        }

        using (var unknownMeter = await node.Client.GetAsync(new Uri("/api/meters/MTL99999999/limiter", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(unknownMeter, HttpStatusCode.NotFound, "unknown-meter");
        }

        var audit = await node.Client.GetFromJsonElementAsync("/api/audit?pageSize=1000");
        Assert.DoesNotContain(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == DemandAuditActions.LimitRequested);
    }

    private static async Task<string> ProblemAsync(RunningNode node, string body, HttpStatusCode status, string type)
    {
        using var response = await Api.PostAsync(node.Client, "/api/demand/limits", body, "dispatcher-1");
        return await Api.AssertProblemAsync(response, status, type);
    }

    [Fact]
    public async Task CancelAndList_LimitNotYetSent_WithdrawnOrCancelledAuditedListedAndAViewerMayOnlyRead()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(2, null);
        await ImportAsync(node, fleet);
        await OnFeederAsync(node, "F-30", First, Second);
        var later = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var first = await Api.PostAsync(node.Client, "/api/demand/limits", """{"meter":"MTL00000001","limit":{"normal":6000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":60} }""", "dispatcher-1");
        using var created = await Api.PostAsync(node.Client, "/api/demand/limits",
            $$"""{"feeder":"F-30","notBefore":"{{later}}","limit":{"normal":6000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":60} }""", "dispatcher-1");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;

        using var viewer = new HttpClient { BaseAddress = node.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        viewer.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(node.Node.Access, "viewer-3", HeadEnd.Access.AccessRole.Viewer);
        var listed = await viewer.GetFromJsonElementAsync("/api/demand/limits?pageSize=1");
        using var forbidden = await viewer.DeleteAsync(new Uri(location, UriKind.Relative));
        using var cancelled = await Api.SendAsync(node.Client, HttpMethod.Delete, location + "?reason=feeder%20back%20to%20normal", actor: "dispatcher-2");
        var body = await Api.JsonAsync(cancelled);
        using var again = await Api.SendAsync(node.Client, HttpMethod.Delete, location + "?reason=twice", actor: "dispatcher-3");
        using var unknown = await Api.SendAsync(node.Client, HttpMethod.Delete, "/api/demand/limits/999999", actor: "dispatcher-2");
        using var badReason = await Api.SendAsync(node.Client, HttpMethod.Delete, location + "?reason=%01", actor: "dispatcher-2");

        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(("feeder", "F-30", 2), (item.GetProperty("target").GetString(), item.GetProperty("targetId").GetString(), item.GetProperty("meters").GetInt32()));
        var rest = await node.Client.GetFromJsonElementAsync("/api/demand/limits?pageSize=1&pageToken=" + listed.GetProperty("nextPageToken").GetString());
        Assert.Equal("meter", Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("target").GetString());
        await Api.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(("dispatcher-2", "feeder back to normal"), (body.GetProperty("cancelledBy").GetString(), body.GetProperty("cancelReason").GetString()));
        var states = body.GetProperty("states");
        Assert.Equal(2, body.GetProperty("withdrawn").GetInt32() + states.GetProperty("Cancelled").GetInt32());
        Assert.Equal(0, states.GetProperty("Sent").GetInt32() + states.GetProperty("Confirmed").GetInt32() + states.GetProperty("Requested").GetInt32());
        Assert.True(body.GetProperty("complete").GetBoolean());
        Assert.Equal("feeder back to normal", (await Api.JsonAsync(again)).GetProperty("cancelReason").GetString());
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-demand-limit");
        await Api.AssertProblemAsync(badReason, HttpStatusCode.BadRequest, "bad-request");
        var audit = await node.Client.GetFromJsonElementAsync("/api/audit?pageSize=1000");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == DemandAuditActions.LimitCancelled);
        Assert.Equal(("dispatcher-2", "feeder:F-30"), (entry.GetProperty("actor").GetString(), entry.GetProperty("subject").GetString()));
    }

    private static async Task ImportAsync(RunningNode node, TestFleet fleet)
    {
        using var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer");
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
    }

    private static async Task OnFeederAsync(RunningNode node, string feeder, params string[] serials)
    {
        foreach (var serial in serials)
        {
            var meter = (await node.Node.Meters.FindBySerialAsync(serial))!;
            await node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId,
                meter.Location, meter.TransformerId, feeder, meter.Endpoint, meter.SecurityLevel));
        }
    }

    private static async Task<JsonElement> WaitCompleteAsync(HttpClient client, string location)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var progress = await client.GetFromJsonElementAsync(location, bound.Token);
            if (progress.GetProperty("complete").GetBoolean())
            {
                return progress;
            }

            await Task.Delay(100, bound.Token);
        }
    }

    private static async Task<JsonElement> WaitForEventAsync(HttpClient client, string serial, int code)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var events = await client.GetFromJsonElementAsync($"/api/meters/{serial}/events?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", bound.Token);
            if (events.EnumerateArray().FirstOrDefault(e => e.GetProperty("code").GetInt32() == code) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
