using System.Net;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;

namespace Meterline.Server.Tests.Outages;

/// <summary>The outage and reliability API on a running node (SQLite), over outages stored for meters registered on a feeder.</summary>
public sealed class OutagesApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private HttpClient Client => fixture.Node.Client;

    private async Task<List<Meterline.HeadEnd.Meters.Meter>> AddFeederAsync(string feeder, int count)
    {
        var meters = new List<Meterline.HeadEnd.Meters.Meter>();
        for (var i = 0; i < count; i++)
        {
            var meter = await fixture.AddMeterAsync();
            var registration = new MeterRegistration(meter.Serial, meter.SystemTitle, meter.ProfileId, TransformerId: feeder + "-T" + (i % 2), FeederId: feeder, Endpoint: meter.Endpoint);
            await fixture.Node.Node.Meters.UpdateRegistrationAsync(meter.Id, registration);
            meters.Add(meter);
        }

        return meters;
    }

    private Task<Outage> StoreAsync(string feeder, DateTimeOffset at, double minutes, params Meterline.HeadEnd.Meters.Meter[] meters) =>
        fixture.Node.Node.Storage.Outages.AddAsync(new Outage(default, OutageScope.Transformer, feeder + "-T0", feeder, OutageState.Restored, at, at.AddMinutes(minutes), at,
            [.. meters.Select(m => new AffectedMeter(m.Id, at, PowerSignalSource.LastGasp, at.AddMinutes(minutes)))]));

    private static string Span(DateTimeOffset from, DateTimeOffset to) => $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

    [Fact]
    public async Task GetReliability_TwoOutagesAndAMomentaryOne_HandWorkedIndices()
    {
        // 4 customers: 2 off for 60 min, 1 off for 30 min (SAIDI 150 / 4 = 37.5, SAIFI 3 / 4 = 0.75), 1 off for 2 min (MAIFI 1 / 4).
        var meters = await AddFeederAsync("FR-1", 4);
        await StoreAsync("FR-1", T0, 60, meters[0], meters[1]);
        await StoreAsync("FR-1", T0.AddHours(2), 30, meters[2]);
        await StoreAsync("FR-1", T0.AddHours(4), 2, meters[3]);

        var reliability = await Client.GetFromJsonElementAsync($"/api/feeders/FR-1/reliability?{Span(T0.Date, T0.Date.AddDays(1))}");

        Assert.Equal(4, reliability.GetProperty("customersServed").GetInt32());
        Assert.Equal((3, 1), (reliability.GetProperty("sustainedInterruptions").GetInt32(), reliability.GetProperty("momentaryInterruptions").GetInt32()));
        Assert.Equal(37.5, reliability.GetProperty("saidi").GetDouble(), 9);
        Assert.Equal(0.75, reliability.GetProperty("saifi").GetDouble(), 9);
        Assert.Equal(0.25, reliability.GetProperty("maifi").GetDouble(), 9);
        Assert.Equal(5, reliability.GetProperty("sustainedThresholdMinutes").GetDouble());
        Assert.Contains("IEEE 1366", reliability.GetProperty("method").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetReliability_BadSpan_BadRequest()
    {
        using var response = await Client.GetAsync(new Uri($"/api/feeders/FR-1/reliability?{Span(T0, T0)}", UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task ListOutages_StateAndFeeder_FilteredAndPaged()
    {
        var meters = await AddFeederAsync("FR-2", 2);
        var restored = await StoreAsync("FR-2", T0, 10, meters[0]);
        var open = await fixture.Node.Node.Storage.Outages.AddAsync(new Outage(default, OutageScope.Meter, meters[1].Serial, "FR-2", OutageState.Open, T0, null, T0,
            [new AffectedMeter(meters[1].Id, T0, PowerSignalSource.Silence)]));

        var all = await Client.GetFromJsonElementAsync("/api/outages?feeder=FR-2&pageSize=1");
        var first = Assert.Single(all.GetProperty("items").EnumerateArray());
        var next = await Client.GetFromJsonElementAsync($"/api/outages?feeder=FR-2&pageSize=1&pageToken={all.GetProperty("nextPageToken").GetString()}");
        var openOnly = await Client.GetFromJsonElementAsync("/api/outages?feeder=FR-2&state=open");

        Assert.Equal(open.Id.Value, first.GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKindNull, first.GetProperty("meters").ValueKind);
        Assert.Equal(restored.Id.Value, Assert.Single(next.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
        var only = Assert.Single(openOnly.GetProperty("items").EnumerateArray());
        Assert.Equal(("Meter", "Open", 1), (only.GetProperty("scope").GetString(), only.GetProperty("state").GetString(), only.GetProperty("consumersAffected").GetInt32()));
    }

    [Fact]
    public async Task GetOutage_Restored_MetersWithSerialsAndDuration()
    {
        var meters = await AddFeederAsync("FR-3", 2);
        var outage = await StoreAsync("FR-3", T0, 47.5, meters[0], meters[1]);

        var read = await Client.GetFromJsonElementAsync($"/api/outages/{outage.Id}");

        Assert.Equal(("Transformer", "FR-3-T0", "Restored"), (read.GetProperty("scope").GetString(), read.GetProperty("scopeId").GetString(), read.GetProperty("state").GetString()));
        Assert.Equal(47.5, read.GetProperty("durationMinutes").GetDouble());
        var affected = read.GetProperty("meters").EnumerateArray().ToList();
        Assert.Equal([meters[0].Serial, meters[1].Serial], affected.Select(m => m.GetProperty("serial").GetString()));
        Assert.All(affected, m => Assert.Equal("LastGasp", m.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task GetOutage_Unknown_NotFound()
    {
        using var response = await Client.GetAsync(new Uri("/api/outages/987654", UriKind.Relative));

        await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown-outage");
    }

    [Fact]
    public async Task ListOutages_BadStateOrToken_BadRequest()
    {
        using var state = await Client.GetAsync(new Uri("/api/outages?state=closed", UriKind.Relative));
        using var token = await Client.GetAsync(new Uri("/api/outages?pageToken=QQAAAAAAAAAB", UriKind.Relative));

        await Api.AssertProblemAsync(state, HttpStatusCode.BadRequest, "bad-request");
        await Api.AssertProblemAsync(token, HttpStatusCode.BadRequest, "invalid-paging");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
