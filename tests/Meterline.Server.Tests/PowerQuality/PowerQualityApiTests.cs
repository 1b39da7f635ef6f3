using System.Net;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.PowerQuality;

/// <summary>Power quality summaries through the API on a running node (SQLite), over block voltages written to the store.</summary>
public sealed class PowerQualityApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private HttpClient Client => fixture.Node.Client;

    private static string Span => $"from={Uri.EscapeDataString(T0.ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(1).ToString("O"))}";

    private async Task<Meterline.HeadEnd.Meters.Meter> AddAsync(string feeder, params double[] voltages)
    {
        var meter = await fixture.AddMeterAsync();
        await fixture.Node.Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, FeederId: feeder, Endpoint: meter.Endpoint));
        var readings = voltages.Select((v, i) => new IntervalReading(meter.Id, T0.AddMinutes(15 * (i + 1)), Quantity.BlockAverageVoltage, v, ReadingQuality.Authenticated)).ToList();
        await fixture.Node.Node.Stores.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
        return meter;
    }

    [Fact]
    public async Task GetMeterPowerQuality_SagAndSurge_MinutesOutOfBand()
    {
        var meter = await AddAsync("PQ-1", 230, 206.9, 207.0, 253.0, 253.1, 231);

        var summary = await Client.GetFromJsonElementAsync($"/api/meters/{meter.Serial}/power-quality?{Span}");

        Assert.Equal((6, 1, 1), (summary.GetProperty("intervals").GetInt32(), summary.GetProperty("underVoltageIntervals").GetInt32(), summary.GetProperty("overVoltageIntervals").GetInt32()));
        Assert.Equal(30, summary.GetProperty("minutesOutOfBand").GetDouble());
        Assert.Equal((206.9, 253.1), (summary.GetProperty("minimumVoltage").GetDouble(), summary.GetProperty("maximumVoltage").GetDouble()));
        Assert.Equal((207.0, 253.0), (summary.GetProperty("lowerLimit").GetDouble(), summary.GetProperty("upperLimit").GetDouble()));
        Assert.Equal((0, 49.5, 50.5), (summary.GetProperty("frequencyReadings").GetInt32(), summary.GetProperty("frequencyLowerLimit").GetDouble(), summary.GetProperty("frequencyUpperLimit").GetDouble()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty("minimumFrequency").ValueKind);
    }

    [Fact]
    public async Task GetFeederPowerQuality_TwoMeters_TotalAndWorstFirst()
    {
        var calm = await AddAsync("PQ-2", 230, 231, 229);
        var sagging = await AddAsync("PQ-2", 200, 199, 230);

        var feeder = await Client.GetFromJsonElementAsync($"/api/feeders/PQ-2/power-quality?{Span}");

        Assert.Equal((2, 2, 1), (feeder.GetProperty("meters").GetInt32(), feeder.GetProperty("metersWithData").GetInt32(), feeder.GetProperty("metersWithExcursions").GetInt32()));
        Assert.Equal(30, feeder.GetProperty("total").GetProperty("minutesOutOfBand").GetDouble());
        Assert.Equal(6, feeder.GetProperty("total").GetProperty("intervals").GetInt32());
        Assert.Equal([sagging.Serial, calm.Serial], feeder.GetProperty("byMeter").EnumerateArray().Select(m => m.GetProperty("serial").GetString()));
    }

    [Fact]
    public async Task GetMeterPowerQuality_UnknownMeterOrBadSpan_Problems()
    {
        using var unknown = await Client.GetAsync(new Uri($"/api/meters/NO-SUCH-METER/power-quality?{Span}", UriKind.Relative));
        using var span = await Client.GetAsync(new Uri($"/api/meters/NO-SUCH-METER/power-quality?from={Uri.EscapeDataString(T0.ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(40).ToString("O"))}", UriKind.Relative));

        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-meter");
        await Api.AssertProblemAsync(span, HttpStatusCode.BadRequest, "bad-request");
    }
}
