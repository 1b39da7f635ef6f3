using System.Net;
using System.Text.Json;

namespace Meterline.Server.Tests.Alerts;

/// <summary>
/// End to end: a simulated meter (DLMS/TCP, ciphered pushes) feels a magnet; its alert push goes through the real
/// ingest pipeline into SQLite; the analytics service turns the committed magnet event into a tamper alert with its
/// evidence, which the operator sees, acknowledges and closes through the API.
/// </summary>
public sealed class MagnetTamperEndToEndTests
{
    [Fact]
    public async Task MagnetOnSimulatedMeter_BecomesTamperAlertWithEvidence()
    {
        await using var node = await RunningNode.StartAsync();
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 60);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var meter = fleet.Simulator.Meters[0];
        meter.SetMagnet(true);

        var alert = await WaitForAlertAsync(node.Client, meter.Id);

        Assert.Equal(("tamper", "Critical", "Open"), (alert.GetProperty("category").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Equal(meter.Id, alert.GetProperty("serial").GetString());
        var evidence = alert.GetProperty("evidence").EnumerateArray().ToList();
        Assert.Contains(evidence, e => e.GetProperty("kind").GetString() == "event" && e.GetProperty("name").GetString()!.StartsWith("201 magnet influence", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e.GetProperty("kind").GetString() == "reading" && e.GetProperty("name").GetString() == "voltage");
        Assert.True(alert.GetProperty("confidence").GetDouble() > 0.5);

        var id = alert.GetProperty("id").GetInt64();
        using var close = await Api.PostAsync(node.Client, $"/api/alerts/{id}/close", "{}", actor: "inspector-2");
        Assert.Equal("Closed", (await Api.JsonAsync(close)).GetProperty("state").GetString());
    }

    private static async Task<JsonElement> WaitForAlertAsync(HttpClient client, string serial)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var page = await client.GetFromJsonElementAsync($"/api/alerts?meter={serial}&rule=tamper-event", bound.Token);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } alert)
            {
                return alert;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
