using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;

namespace Meterline.Server.Tests.Outages;

/// <summary>
/// End to end: simulated meters (DLMS/TCP, ciphered pushes) under one transformer fall silent together, as the
/// simulator's <c>silent</c> scenario makes them (<see cref="Simulator.Scenarios.IScenarioTarget.SetSilent"/>): no last
/// gasp, no push, no answer. The node's sweep finds them silent for more than its block periods and raises one
/// transformer outage learnt from loss of communication; when they are heard again (their held pushes arrive) the
/// outage is restored and its alert closed.
/// </summary>
public sealed class SilenceEndToEndTests
{
    [Fact]
    public async Task SilentScenarioUnderOneTransformer_OutageByLossOfCommunicationRestoredWhenHeardAgain()
    {
        // At 300× a 15-minute block is pushed every 3 s of wall time; silent after 10 blocks (30 s) without a word.
        await using var node = await RunningNode.StartAsync(o => o with
        {
            Outages = new OutageOptions
            {
                GroupingWindow = TimeSpan.FromSeconds(3),
                SweepPeriod = TimeSpan.FromMilliseconds(500),
                BlockPeriod = TimeSpan.FromSeconds(3),
                SilentPeriods = 10,
            },
        });
        await using var fleet = await TestFleet.StartAsync(5, node.PushEndpoint, speed: 300);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        // Meters 0–3 hang from DT-SIL on feeder FD-SIL; meter 4 from another transformer, and keeps talking.
        for (var i = 0; i < 5; i++)
        {
            var meter = (await node.Node.Meters.FindBySerialAsync(fleet.Simulator.Meters[i].Id))!;
            await node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId, meter.Location,
                i < 4 ? "DT-SIL" : "DT-SIL-OTHER", "FD-SIL", meter.Endpoint, meter.SecurityLevel));
        }

        // Only meters heard at least once are watched for silence: wait until every meter's pushes are ingested.
        await UntilHeardAsync(node, fleet.Simulator.Meters.Select(m => m.Id));
        for (var i = 0; i < 4; i++)
        {
            fleet.Simulator.Meters[i].SetSilent(true);
        }

        var open = await WaitForOutageAsync(node.Client, "open", "DT-SIL");
        Assert.Equal(("Transformer", "FD-SIL", 4), (open.GetProperty("scope").GetString(), open.GetProperty("feederId").GetString(), open.GetProperty("consumersAffected").GetInt32()));
        var id = open.GetProperty("id").GetInt64();
        var lost = await node.Client.GetFromJsonElementAsync($"/api/outages/{id}");
        Assert.All(lost.GetProperty("meters").EnumerateArray(), m => Assert.Equal("Silence", m.GetProperty("source").GetString()));
        Assert.All(fleet.Simulator.Meters.Take(4), m => Assert.True(m.Meter.IsPowered));

        for (var i = 0; i < 4; i++)
        {
            fleet.Simulator.Meters[i].SetSilent(false);
        }

        var restored = await WaitForOutageAsync(node.Client, "restored", "DT-SIL");
        Assert.Equal(id, restored.GetProperty("id").GetInt64());
        var detail = await node.Client.GetFromJsonElementAsync($"/api/outages/{id}");
        Assert.Equal(4, detail.GetProperty("meters").GetArrayLength());
        Assert.True(detail.GetProperty("restoredAt").GetDateTimeOffset() > detail.GetProperty("startedAt").GetDateTimeOffset());
        var alert = await WaitForClosedAlertAsync(node.Client, open.GetProperty("alert").GetInt64());
        Assert.Equal(OutageService.Actor, alert.GetProperty("closedBy").GetString());
    }

    private static async Task<JsonElement> WaitForClosedAlertAsync(HttpClient client, long id)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var alert = await client.GetFromJsonElementAsync($"/api/alerts/{id}", bound.Token);
            if (alert.GetProperty("state").GetString() == "Closed")
            {
                return alert;
            }

            await Task.Delay(200, bound.Token);
        }
    }

    private static async Task UntilHeardAsync(RunningNode node, IEnumerable<string> serials)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        foreach (var serial in serials)
        {
            while ((await node.Node.Meters.FindBySerialAsync(serial, bound.Token))?.LastHeardAt is null)
            {
                await Task.Delay(200, bound.Token);
            }
        }
    }

    private static async Task<JsonElement> WaitForOutageAsync(HttpClient client, string state, string transformer)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var page = await client.GetFromJsonElementAsync($"/api/outages?state={state}&feeder=FD-SIL", bound.Token);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault(o => o.GetProperty("scopeId").GetString() == transformer) is { ValueKind: JsonValueKind.Object } outage)
            {
                return outage;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
