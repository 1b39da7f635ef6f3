using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.PowerQuality;

namespace Meterline.Server.Tests.PowerQuality;

/// <summary>
/// End to end: a simulated meter's supply sags to 80 % (the simulator's <c>sag</c> scenario,
/// <see cref="Simulator.Scenarios.IScenarioTarget.SetVoltageFactor"/>); its block average voltages go through the
/// real ingest pipeline and, two blocks under the band in a row, become a power quality alert; the meter's summary
/// counts the minutes.
/// </summary>
public sealed class SagEndToEndTests
{
    [Fact]
    public async Task SagOnSimulatedMeter_BecomesUnderVoltageAlert()
    {
        await using var node = await RunningNode.StartAsync(o => o with { PowerQuality = new PowerQualityOptions() });
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 120);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var meter = fleet.Simulator.Meters[0];
        meter.SetVoltageFactor(0.8);

        var alert = await WaitForAlertAsync(node.Client, meter.Id);

        Assert.Equal((PowerQualityRule.Category, "Warning", "Open"), (alert.GetProperty("category").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Contains("Under-voltage", alert.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var voltages = alert.GetProperty("evidence").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "reading").Select(e => e.GetProperty("value").GetDouble()).ToList();
        Assert.True(voltages.Count >= 2);
        Assert.All(voltages, v => Assert.InRange(v, 50, 206.99));

        var from = alert.GetProperty("firstSeen").GetDateTimeOffset().AddHours(-1);
        var summary = await node.Client.GetFromJsonElementAsync(
            $"/api/meters/{meter.Id}/power-quality?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddDays(1).ToString("O"))}");
        Assert.True(summary.GetProperty("underVoltageIntervals").GetInt32() >= 2);
        Assert.True(summary.GetProperty("minutesOutOfBand").GetDouble() >= 30);
    }

    private static async Task<JsonElement> WaitForAlertAsync(HttpClient client, string serial)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var page = await client.GetFromJsonElementAsync($"/api/alerts?meter={serial}&rule={PowerQualityRule.VoltageRuleId}", bound.Token);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } alert)
            {
                return alert;
            }

            await Task.Delay(200, bound.Token);
        }
    }
}
