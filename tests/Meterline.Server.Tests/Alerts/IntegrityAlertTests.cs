using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.Alerts;

/// <summary>
/// A cumulative register going down: the store keeps the value as the meter sent it (it never drops or corrects
/// data), and the analytics' pass over the store — what it runs at start, periodically and after its feed lost
/// records — makes it a critical integrity alert with both values as evidence.
/// </summary>
public sealed class IntegrityAlertTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CumulativeImportGoesDown_StoredAsSentAndIntegrityAlert()
    {
        var meter = await fixture.AddMeterAsync();
        var values = new[] { 10_000.0, 10_250, 10_500, 9_000, 9_250 };
        var readings = values.Select((v, i) => new IntervalReading(meter.Id, T0.AddMinutes(15 * (i + 1)), Quantity.CumulativeImportEnergy, v, ReadingQuality.Authenticated))
            .Concat(values.Select((_, i) => new IntervalReading(meter.Id, T0.AddMinutes(15 * (i + 1)), Quantity.BlockImportEnergy, 250, ReadingQuality.Authenticated)))
            .ToList();
        await fixture.Node.Node.Stores.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));

        await fixture.Node.Node.Analytics!.FullPassAsync().WaitAsync(RunningNode.Bound);

        var stored = await fixture.Node.Client.GetFromJsonElementAsync(
            $"/api/meters/{meter.Serial}/readings?from={Uri.EscapeDataString(T0.ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(1).ToString("O"))}&obis=1.0.1.8.0.255");
        Assert.Equal(values, stored.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("value").GetDouble()));
        var page = await fixture.Node.Client.GetFromJsonElementAsync($"/api/alerts?meter={meter.Serial}&rule=cumulative-decrease");
        var alert = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(("integrity", "Critical"), (alert.GetProperty("category").GetString(), alert.GetProperty("severity").GetString()));
        Assert.Equal([10_500.0, 9_000, 1_500], alert.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("value").GetDouble()));
        Assert.Equal(T0.AddMinutes(60), alert.GetProperty("lastSeen").GetDateTimeOffset());

        // The next pass over the same data changes nothing: one alert, one occurrence.
        await fixture.Node.Node.Analytics!.FullPassAsync().WaitAsync(RunningNode.Bound);
        var again = await fixture.Node.Client.GetFromJsonElementAsync($"/api/alerts?meter={meter.Serial}");
        Assert.Equal(1, Assert.Single(again.GetProperty("items").EnumerateArray()).GetProperty("occurrences").GetInt32());
    }
}
