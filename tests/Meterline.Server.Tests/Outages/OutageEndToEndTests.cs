using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Meterline.HeadEnd.PowerQuality;

namespace Meterline.Server.Tests.Outages;

/// <summary>
/// End to end: simulated meters (DLMS/TCP, ciphered pushes) under one transformer lose supply together, as the
/// simulator's <c>outage</c> scenario does (<see cref="Simulator.Scenarios.IScenarioTarget.SetOutage"/>): their last
/// gasps (event 101) go through the real ingest pipeline and become one transformer outage — not one fault per meter —
/// raised as an alert; when supply returns, their restorations (event 102) restore the outage and close the alert.
/// </summary>
public sealed class OutageEndToEndTests
{
    private static Task<RunningNode> StartNodeAsync() =>
        RunningNode.StartAsync(o => o with
        {
            Outages = new OutageOptions { GroupingWindow = TimeSpan.FromSeconds(3), SweepPeriod = TimeSpan.FromMilliseconds(200) },
            PowerQuality = new PowerQualityOptions(),
        });

    [Fact]
    public async Task OutageScenarioUnderOneTransformer_BecomesOneTransformerOutageWithRestoration()
    {
        await using var node = await StartNodeAsync();
        await using var fleet = await TestFleet.StartAsync(5, node.PushEndpoint, speed: 60);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        // Meters 0–3 hang from DT-E2E on feeder FD-E2E; meter 4 from another transformer, and keeps its supply.
        for (var i = 0; i < 5; i++)
        {
            var meter = (await node.Node.Meters.FindBySerialAsync(fleet.Simulator.Meters[i].Id))!;
            await node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId, meter.Location,
                i < 4 ? "DT-E2E" : "DT-OTHER", "FD-E2E", meter.Endpoint, meter.SecurityLevel));
        }

        for (var i = 0; i < 4; i++)
        {
            fleet.Simulator.Meters[i].SetOutage(true);
        }

        var open = await WaitForOutageAsync(node.Client, "open");
        Assert.Equal(("Transformer", "DT-E2E", "FD-E2E"), (open.GetProperty("scope").GetString(), open.GetProperty("scopeId").GetString(), open.GetProperty("feederId").GetString()));
        Assert.Equal(4, open.GetProperty("consumersAffected").GetInt32());
        var listed = await node.Client.GetFromJsonElementAsync("/api/outages?feeder=FD-E2E");
        Assert.Single(listed.GetProperty("items").EnumerateArray());
        var alertId = open.GetProperty("alert").GetInt64();
        var alert = await node.Client.GetFromJsonElementAsync($"/api/alerts/{alertId}");
        Assert.Equal(("outage", "transformer-outage", "Critical", "Open"),
            (alert.GetProperty("category").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Contains(alert.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("name").GetString()!.StartsWith("101 power failure", StringComparison.Ordinal));

        for (var i = 0; i < 4; i++)
        {
            fleet.Simulator.Meters[i].SetOutage(false);
        }

        var restored = await WaitForOutageAsync(node.Client, "restored");
        Assert.Equal(open.GetProperty("id").GetInt64(), restored.GetProperty("id").GetInt64());
        var detail = await node.Client.GetFromJsonElementAsync($"/api/outages/{restored.GetProperty("id").GetInt64()}");
        var meters = detail.GetProperty("meters").EnumerateArray().ToList();
        Assert.Equal(4, meters.Count);
        Assert.All(meters, m => Assert.Equal("LastGasp", m.GetProperty("source").GetString()));
        var started = detail.GetProperty("startedAt").GetDateTimeOffset();
        var end = detail.GetProperty("restoredAt").GetDateTimeOffset();
        Assert.Equal(meters.Max(m => m.GetProperty("restoredAt").GetDateTimeOffset()), end);
        Assert.Equal((end - started).TotalMinutes, detail.GetProperty("durationMinutes").GetDouble(), 3);
        Assert.True(end > started);

        var closed = await WaitForAlertStateAsync(node.Client, alertId, "Closed");
        Assert.Equal(OutageService.Actor, closed.GetProperty("closedBy").GetString());
        Assert.Contains(closed.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("name").GetString() == "duration");
    }

    private static async Task<JsonElement> WaitForOutageAsync(HttpClient client, string state)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var page = await client.GetFromJsonElementAsync($"/api/outages?state={state}&feeder=FD-E2E", bound.Token);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } outage)
            {
                return outage;
            }

            await Task.Delay(200, bound.Token);
        }
    }

    private static async Task<JsonElement> WaitForAlertStateAsync(HttpClient client, long id, string state)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var alert = await client.GetFromJsonElementAsync($"/api/alerts/{id}", bound.Token);
            if (alert.GetProperty("state").GetString() == state)
            {
                return alert;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
