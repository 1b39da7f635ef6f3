using System.Net;
using System.Net.Http.Headers;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Tests.Access;

/// <summary>A consumer reads their own meter and nothing else: another consumer's meter is 404, exactly as a meter that does not exist.</summary>
public sealed class ConsumerAccessTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetMeter_AnotherConsumersMeter_404LikeAnUnknownMeterAndAudited()
    {
        await _server.Stores.Meters.AddAsync(new MeterRegistration("OWN00001", new MeterSystemTitle(0x4D544C00E0000001UL), "is15959-single-phase", ConsumerId: "C-1"));
        await _server.Stores.Meters.AddAsync(new MeterRegistration("OTH00001", new MeterSystemTitle(0x4D544C00E0000002UL), "is15959-single-phase", ConsumerId: "C-2"));
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(_server.Access, "consumer-c1", AccessRole.Consumer, "C-1");

        using var own = await client.GetAsync(new Uri("/api/meters/OWN00001", UriKind.Relative));
        using var other = await client.GetAsync(new Uri("/api/meters/OTH00001", UriKind.Relative));
        using var unknown = await client.GetAsync(new Uri("/api/meters/NOSUCH01", UriKind.Relative));
        using var otherReadings = await client.GetAsync(new Uri("/api/meters/OTH00001/readings?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", UriKind.Relative));
        using var list = await client.GetAsync(new Uri("/api/meters", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("C-1", (await Api.JsonAsync(own)).GetProperty("consumer").GetString());
        var otherDetail = await Api.AssertProblemAsync(other, HttpStatusCode.NotFound, "unknown-meter");
        var unknownDetail = await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-meter");
        Assert.Equal(unknownDetail, otherDetail);
        await Api.AssertProblemAsync(otherReadings, HttpStatusCode.NotFound, "unknown-meter");
        await Api.AssertProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        var audit = await _server.Stores.Audit.GetRecentAsync(null, 100);
        Assert.Contains(audit, e => e.Action == "access.denied.not-owner" && e.Actor == "consumer-c1" && e.Subject == "GET /api/meters/OTH00001");
    }

    [Fact]
    public async Task GetMeter_Staff_ReadsEveryConsumersMeter()
    {
        await _server.Stores.Meters.AddAsync(new MeterRegistration("OTH00002", new MeterSystemTitle(0x4D544C00E0000003UL), "is15959-single-phase", ConsumerId: "C-2"));
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = await ActorTokens.CreateAsync(_server.Access, "viewer-1", AccessRole.Viewer);

        using var response = await client.GetAsync(new Uri("/api/meters/OTH00002", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
