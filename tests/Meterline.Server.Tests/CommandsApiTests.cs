using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests;

/// <summary>The commands API on a running node: asking, following, listing and cancelling, and every refusal.</summary>
public sealed class CommandsApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly string Tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private HttpClient Client => fixture.Node.Client;

    private static string Later(string meter, string kind = "disconnect", string parameters = "{}") =>
        $$"""{"meter":{{meter}},"kind":"{{kind}}","parameters":{{parameters}},"notBefore":"{{Tomorrow}}"}""";

    [Fact]
    public async Task CreateCommand_BySerial_Returns202WithLocationAndAuditsTheActor()
    {
        var meter = await fixture.AddMeterAsync();

        using var response = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""), actor: "alice");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var command = await Api.JsonAsync(response);
        var id = command.GetProperty("id").GetInt64();
        Assert.Equal($"/api/commands/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Requested", command.GetProperty("state").GetString());
        Assert.Equal("disconnect", command.GetProperty("kind").GetString());
        Assert.Equal(meter.Serial, command.GetProperty("serial").GetString());
        Assert.Equal("alice", command.GetProperty("requestedBy").GetString());
        var fetched = await Client.GetFromJsonElementAsync($"/api/commands/{id}");
        Assert.Equal(id, fetched.GetProperty("id").GetInt64());
        var audit = await AuditOfAsync(meter.Serial);
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "command.disconnect.requested" && e.GetProperty("actor").GetString() == "alice");
    }

    [Fact]
    public async Task CreateCommand_ByIdWithReadParameters_KeepsTheParameters()
    {
        var meter = await fixture.AddMeterAsync();

        using var response = await Api.PostAsync(Client, "/api/commands", Later(meter.Id.ToString(), "read", """{"quantities":["1.0.1.8.0.255"]}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var command = await Api.JsonAsync(response);
        Assert.Equal(meter.Id.Value, command.GetProperty("meter").GetInt32());
        Assert.Equal("1.0.1.8.0.255", command.GetProperty("parameters").GetProperty("quantities")[0].GetString());
        Assert.Equal(HeadEnd.Access.AccessService.BootstrapTokenName, command.GetProperty("requestedBy").GetString());
    }

    [Fact]
    public async Task CreateCommand_WithoutNotBefore_DispatcherSendsItAndItFailsOnTheUnreachableMeter()
    {
        var meter = await fixture.AddMeterAsync();

        using var response = await Api.PostAsync(Client, "/api/commands", $$"""{"meter":"{{meter.Serial}}","kind":"connect"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var final = await Api.WaitFinalAsync(Client, response.Headers.Location!.OriginalString);
        Assert.Equal("Failed", final.GetProperty("state").GetString());
        Assert.Contains("unreachable", final.GetProperty("result").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"NO-SUCH-METER\"")]
    [InlineData("987654")]
    public async Task CreateCommand_UnknownMeter_Returns404UnknownMeter(string meter)
    {
        using var response = await Api.PostAsync(Client, "/api/commands", Later(meter));

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-meter");
    }

    [Theory]
    [InlineData("connect", """{"extra":1}""", "takes no parameters")]
    [InlineData("read", """{"quantities":["9.9.9.9.9.9"]}""", "9.9.9.9.9.9")]
    [InlineData("read", "{}", "quantities, a load profile range, or both")]
    [InlineData("activityCalendar", """{"name":"TOU","switches":[{"start":"06:00","zone":9}],"activateAt":"2030-01-01T00:00:00Z"}""", "zones are 1 to 8")]
    [InlineData("read", "[1]", "JSON object")]
    public async Task CreateCommand_InvalidParameters_Returns400InvalidParameters(string kind, string parameters, string expected)
    {
        var meter = await fixture.AddMeterAsync();

        using var response = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", kind, parameters));

        var detail = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-parameters");
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"meter":"X","kind":"explode"}""", "invalid-command")]
    [InlineData("""{"kind":"connect"}""", "invalid-command")]
    [InlineData("""{"meter":true,"kind":"connect"}""", "invalid-command")]
    [InlineData("""{"meter":"X","kind":"connect","notBefore":"yesterday"}""", "bad-request")]
    [InlineData("""{"meter":"X",""", "bad-request")]
    [InlineData("""{"meter":"X","kind":"read","parametres":{"quantities":["1.0.1.8.0.255"]}}""", "bad-request")]
    [InlineData("", "bad-request")]
    public async Task CreateCommand_MalformedRequest_Returns400(string body, string type)
    {
        using var response = await Api.PostAsync(Client, "/api/commands", body);

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, type);
    }

    [Fact]
    public async Task CreateCommand_NotBeforeTooFarAhead_Returns400InvalidCommand()
    {
        var meter = await fixture.AddMeterAsync();
        var far = DateTimeOffset.UtcNow.AddDays(90).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await Api.PostAsync(Client, "/api/commands", $$"""{"meter":"{{meter.Serial}}","kind":"connect","notBefore":"{{far}}"}""");

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-command");
    }

    [Fact]
    public async Task CreateCommand_MeterWithoutEndpoint_Returns409NoEndpoint()
    {
        var meter = await fixture.AddMeterAsync(endpoint: null);

        using var response = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""));

        await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, "no-endpoint");
    }

    [Fact]
    public async Task CreateCommand_KeysCompromised_Returns409ButAKeyRotationIsAccepted()
    {
        var meter = await fixture.AddMeterAsync();
        await fixture.Node.Node.Provisioner.MarkCompromisedAsync(meter.Id, "test", "cover opened");

        using var refused = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""));
        using var rotation = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", "keyRotation"));

        await Api.AssertProblemAsync(refused, HttpStatusCode.Conflict, "keys-compromised");
        Assert.Equal(HttpStatusCode.Accepted, rotation.StatusCode);
    }

    [Fact]
    public async Task CreateCommand_KeyRotationWhileRotating_Returns409KeyRotationInProgress()
    {
        var meter = await fixture.AddMeterAsync();
        await fixture.Node.Node.Meters.SetKeyStatusAsync(meter.Id, KeyStatus.Rotating);

        using var response = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", "key-rotation"));

        await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, "key-rotation-in-progress");
    }

    [Fact]
    public async Task CreateCommand_SameIdempotencyKey_ReturnsTheFirstCommandAndRefusesAnother()
    {
        var meter = await fixture.AddMeterAsync();
        var key = "key-" + meter.Serial;

        using var first = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""), idempotencyKey: key);
        using var again = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""), idempotencyKey: key);
        using var other = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", "connect"), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal((await Api.JsonAsync(first)).GetProperty("id").GetInt64(), (await Api.JsonAsync(again)).GetProperty("id").GetInt64());
        await Api.AssertProblemAsync(other, HttpStatusCode.Conflict, "idempotency-key-reused");
    }

    [Fact]
    public async Task CreateCommand_ForgedActorHeader_AuditsTheTokensNameNotTheHeader()
    {
        var meter = await fixture.AddMeterAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/commands", UriKind.Relative))
        {
            Content = new StringContent(Later($"\"{meter.Serial}\""), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Meterline-Actor", "mallory");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var audit = await AuditOfAsync(meter.Serial);
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "command.disconnect.requested" && e.GetProperty("actor").GetString() == HeadEnd.Access.AccessService.BootstrapTokenName);
        Assert.DoesNotContain(audit, e => e.GetProperty("actor").GetString() == "mallory");
    }

    [Fact]
    public async Task CreateCommand_NotJson_Returns415()
    {
        using var content = new StringContent("meter=1&kind=connect", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await Client.PostAsync(new Uri("/api/commands", UriKind.Relative), content);

        await Api.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task CreateCommand_BodyTooLarge_Returns413()
    {
        var huge = $$$"""{"meter":"X","kind":"read","parameters":{"quantities":["{{{new string('1', 80_000)}}}"]}}""";

        using var response = await Api.PostAsync(Client, "/api/commands", huge);

        await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task GetCommand_Unknown_Returns404UnknownCommand()
    {
        using var response = await Client.GetAsync(new Uri("/api/commands/99999999", UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-command");
    }

    [Fact]
    public async Task ListCommands_OfOneMeterPaged_EveryCommandOnceNewestFirst()
    {
        var meter = await fixture.AddMeterAsync();
        var ids = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            using var created = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", i % 2 == 0 ? "connect" : "disconnect"));
            ids.Add((await Api.JsonAsync(created)).GetProperty("id").GetInt64());
        }

        var seen = new List<long>();
        string? token = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await Client.GetFromJsonElementAsync($"/api/commands?meter={meter.Serial}&pageSize=3" + (token is null ? string.Empty : "&pageToken=" + token));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
            token = page.GetProperty("nextPageToken").GetString();
            if (token is null)
            {
                break;
            }
        }

        ids.Reverse();
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task ListCommands_ByState_OnlyThatState()
    {
        var meter = await fixture.AddMeterAsync();
        using var kept = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""));
        using var cancelled = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\"", "connect"));
        var cancelledId = (await Api.JsonAsync(cancelled)).GetProperty("id").GetInt64();
        using (await Api.SendAsync(Client, HttpMethod.Delete, $"/api/commands/{cancelledId}"))
        {
        }

        var page = await Client.GetFromJsonElementAsync($"/api/commands?meter={meter.Id}&state=cancelled");

        var only = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(cancelledId, only.GetProperty("id").GetInt64());
        Assert.Equal("Cancelled", only.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("/api/commands?pageSize=0", HttpStatusCode.BadRequest, "invalid-paging")]
    [InlineData("/api/commands?pageSize=1001", HttpStatusCode.BadRequest, "invalid-paging")]
    [InlineData("/api/commands?pageToken=bm90LWEtdG9rZW4", HttpStatusCode.BadRequest, "invalid-paging")]
    [InlineData("/api/commands?state=exploded", HttpStatusCode.BadRequest, "bad-request")]
    [InlineData("/api/commands?state=2", HttpStatusCode.BadRequest, "bad-request")]
    [InlineData("/api/commands?meter=NO-SUCH-METER", HttpStatusCode.NotFound, "unknown-meter")]
    [InlineData("/api/commands?pageSize=many", HttpStatusCode.BadRequest, "bad-request")]
    public async Task ListCommands_BadQuery_Refused(string uri, HttpStatusCode status, string type)
    {
        using var response = await Client.GetAsync(new Uri(uri, UriKind.Relative));

        await Api.AssertProblemAsync(response, status, type);
    }

    [Fact]
    public async Task CancelCommand_Requested_CancelledOnceAndAudited()
    {
        var meter = await fixture.AddMeterAsync();
        using var created = await Api.PostAsync(Client, "/api/commands", Later($"\"{meter.Serial}\""));
        var id = (await Api.JsonAsync(created)).GetProperty("id").GetInt64();

        using var cancelled = await Api.SendAsync(Client, HttpMethod.Delete, $"/api/commands/{id}", actor: "bob");
        using var again = await Api.SendAsync(Client, HttpMethod.Delete, $"/api/commands/{id}", actor: "bob");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await Api.JsonAsync(cancelled)).GetProperty("state").GetString());
        var detail = await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, "command-not-cancellable");
        Assert.Contains("Cancelled", detail, StringComparison.Ordinal);
        Assert.Contains(await AuditOfAsync(meter.Serial), e => e.GetProperty("action").GetString() == "command.disconnect.cancelled" && e.GetProperty("actor").GetString() == "bob");
    }

    [Fact]
    public async Task CancelCommand_Unknown_Returns404UnknownCommand()
    {
        using var response = await Api.SendAsync(Client, HttpMethod.Delete, "/api/commands/99999999");

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-command");
    }

    [Fact]
    public async Task UnknownRoute_ProblemWithAStableType()
    {
        using var response = await Client.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesCommandsAuditAndProvisioning()
    {
        var document = await Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("\"/api/commands\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/commands/{id}\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/audit/verify\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/meters/import\"", document, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> AuditOfAsync(string serial)
    {
        var entries = new List<JsonElement>();
        long? after = 0;
        while (after is { } from)
        {
            var page = await Client.GetFromJsonElementAsync($"/api/audit?after={from}&pageSize=1000");
            entries.AddRange(page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == serial));
            after = page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfter").GetInt64();
        }

        return entries;
    }
}
