using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests;

public sealed class MetersApiTests
{
    private static MeterRegistration Registration(int i) =>
        new($"MTL{i:D8}", new MeterSystemTitle(0x4D544C0000000000UL + (ulong)i), "is15959-single-phase", $"C{i}", new GeoLocation(12.97, 77.59), "TR-1", "FD-1",
            new MeterEndpoint($"dlms+tcp://127.0.0.1:4059?wport={15 + i}"));

    [Fact]
    public async Task GetMeter_Registered_ReturnsItWithoutSecrets()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Stores.Meters.AddAsync(Registration(1));

        using var response = await server.Client.GetAsync(new Uri("/api/meters/MTL00000001", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("4D544C0000000001", json.RootElement.GetProperty("systemTitle").GetString());
        Assert.Equal("Unknown", json.RootElement.GetProperty("relayState").GetString());
        Assert.Equal("dlms+tcp://127.0.0.1:4059?wport=16", json.RootElement.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task GetMeter_Unknown_Returns404ProblemDetails()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri("/api/meters/NOPE", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListMeters_Paged_ReturnsEveryMeterOnce()
    {
        await using var server = await RunningServer.StartAsync();
        for (var i = 1; i <= 25; i++)
        {
            await server.Stores.Meters.AddAsync(Registration(i));
        }

        var serials = new List<string>();
        string? token = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var uri = "/api/meters?pageSize=10" + (token is null ? string.Empty : "&pageToken=" + token);
            using var json = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri(uri, UriKind.Relative)));
            serials.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("serial").GetString()!));
            token = json.RootElement.GetProperty("nextPageToken").GetString();
            if (token is null)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"MTL{i:D8}"), serials);
    }

    [Theory]
    [InlineData("/api/meters?pageSize=0")]
    [InlineData("/api/meters?pageSize=1001")]
    public async Task ListMeters_BadPageSize_Returns400(string uri)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri(uri, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GetReadings_TimeBoxed_ReturnsStoredIntervalsInOrder()
    {
        await using var server = await RunningServer.StartAsync();
        var meter = await server.Stores.Meters.AddAsync(Registration(1));
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await server.Readings.WriteAsync(IngestBatch.Empty with
        {
            Readings = [.. Enumerable.Range(1, 8).Select(i => new IntervalReading(meter.Id, start.AddMinutes(15 * i), Quantity.BlockImportEnergy, 100 + i, ReadingQuality.Authenticated))],
        });

        var page = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/meters/MTL00000001/readings?from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:01Z&obis=1.0.1.29.0.255", UriKind.Relative));

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([101, 102, 103, 104], items.Select(i => i.GetProperty("value").GetDouble()));
        Assert.All(items, i => Assert.Equal("Wh", i.GetProperty("unit").GetString()));
    }

    [Theory]
    [InlineData("/api/meters/MTL00000001/readings?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("/api/meters/MTL00000001/readings?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("/api/meters/MTL00000001/readings?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&obis=9.9.9.9.9.9")]
    public async Task GetReadings_BadQuery_Returns400(string uri)
    {
        await using var server = await RunningServer.StartAsync();
        await server.Stores.Meters.AddAsync(Registration(1));

        using var response = await server.Client.GetAsync(new Uri(uri, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ListEvents_NamesCodesFromTheProfile()
    {
        await using var server = await RunningServer.StartAsync();
        var meter = await server.Stores.Meters.AddAsync(Registration(1));
        var at = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
        await server.Readings.WriteAsync(IngestBatch.Empty with { Events = [new MeterEvent(meter.Id, at, 201, [new RegisterValue(Quantity.CumulativeImportEnergy, 1234)], at)] });

        var events = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/meters/MTL00000001/events?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", UriKind.Relative));

        var only = Assert.Single(events.EnumerateArray());
        Assert.Equal(201, only.GetProperty("code").GetInt32());
        Assert.Contains("agnet", only.GetProperty("name").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheMeterEndpoints()
    {
        await using var server = await RunningServer.StartAsync();

        var document = await server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("/api/meters/{serial}/readings", document, StringComparison.Ordinal);
    }
}
