using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.PowerQuality;

namespace Meterline.Server.Tests.PowerQuality;

/// <summary>
/// End to end: a simulated meter's supply frequency is held at 48.9 Hz (the simulator's <c>frequency</c> scenario,
/// <see cref="Simulator.Scenarios.IScenarioTarget.SetSupplyFrequency"/>); the node's scheduled frequency reads go
/// through the command path (a Read of 1.0.14.7.0.255 over the meter's secured association), the executor stores the
/// value as a reading, and the power quality monitor raises a <c>frequency-excursion</c> alert; the meter's summary
/// counts the excursion.
/// </summary>
public sealed class FrequencyEndToEndTests
{
    [Fact]
    public async Task FrequencyAt48Point9OnSimulatedMeter_BecomesFrequencyExcursionAlert()
    {
        await using var node = await RunningNode.StartAsync(o => o with { PowerQuality = new PowerQualityOptions { FrequencyReadPeriod = TimeSpan.FromSeconds(1) } });
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 60);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var meter = fleet.Simulator.Meters[0];
        meter.SetSupplyFrequency(48.9);

        var alert = await WaitForAlertAsync(node.Client, meter.Id);

        Assert.Equal((PowerQualityRule.Category, "Warning", "Open"), (alert.GetProperty("category").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Contains("Under-frequency", alert.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var frequencies = alert.GetProperty("evidence").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "reading").Select(e => e.GetProperty("value").GetDouble()).ToList();
        Assert.Contains(48.9, frequencies);

        var at = alert.GetProperty("lastSeen").GetDateTimeOffset();
        var summary = await node.Client.GetFromJsonElementAsync(
            $"/api/meters/{meter.Id}/power-quality?from={Uri.EscapeDataString(at.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(at.AddHours(1).ToString("O"))}");
        Assert.True(summary.GetProperty("frequencyExcursions").GetInt32() >= 1);
        Assert.Equal(48.9, summary.GetProperty("minimumFrequency").GetDouble());
        Assert.Equal(49.5, summary.GetProperty("frequencyLowerLimit").GetDouble());
    }

    private static async Task<JsonElement> WaitForAlertAsync(HttpClient client, string serial)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var page = await client.GetFromJsonElementAsync($"/api/alerts?meter={serial}&rule={PowerQualityRule.FrequencyRuleId}", bound.Token);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } alert)
            {
                return alert;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
