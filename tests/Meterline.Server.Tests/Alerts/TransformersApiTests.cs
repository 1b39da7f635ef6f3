using System.Net;
using System.Text.Json;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.Alerts;

/// <summary>
/// The energy balance through the API on a running node (SQLite): a transformer meter and three consumers with
/// 20 Wh of technical loss per block, one consumer bypassed half-way (recording a third of its use).
/// </summary>
public sealed class TransformersApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private HttpClient Client => fixture.Node.Client;

    private async Task<Meterline.HeadEnd.Meters.Meter> AddAsync(string serial, ulong title, string transformer)
    {
        var result = await fixture.Node.Node.Provisioner.AddAsync(new MeterRegistration(serial, new MeterSystemTitle(0x4D544C00E0000000UL + title), "is15959-single-phase", TransformerId: transformer), "test");
        return (await fixture.Node.Node.Meters.GetAsync(result.Meter!.Value))!;
    }

    [Fact]
    public async Task GetBalance_BypassedConsumer_LossAndRankedFirst()
    {
        var feeder = await AddAsync("DT7-FEEDER", 1, "DT-7");
        var a = await AddAsync("DT7-A", 2, "DT-7");
        var b = await AddAsync("DT7-B", 3, "DT-7");
        var thief = await AddAsync("DT7-C", 4, "DT-7");
        var readings = new List<IntervalReading>();
        for (var i = 1; i <= 48; i++)
        {
            var time = T0.AddMinutes(15 * i);
            var (useA, useB, useC) = (100 + (i % 5 * 10), 200 + (i % 3 * 15), 150.0);
            var recordedC = i > 24 ? useC / 3 : useC;
            readings.Add(new IntervalReading(feeder.Id, time, Quantity.BlockImportEnergy, useA + useB + useC + 20, ReadingQuality.Authenticated));
            readings.Add(new IntervalReading(a.Id, time, Quantity.BlockImportEnergy, useA, ReadingQuality.Authenticated));
            if (i != 48)
            {
                readings.Add(new IntervalReading(b.Id, time, Quantity.BlockImportEnergy, useB, ReadingQuality.Authenticated));
            }

            readings.Add(new IntervalReading(thief.Id, time, Quantity.BlockImportEnergy, recordedC, ReadingQuality.Authenticated));
        }

        await fixture.Node.Node.Stores.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
        using (var set = await Api.SendAsync(Client, HttpMethod.Put, "/api/transformers/DT-7/meter", """{"meter":"DT7-FEEDER"}""", actor: "planner"))
        {
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        }

        var balance = await Client.GetFromJsonElementAsync($"/api/transformers/DT-7/balance?from={Uri.EscapeDataString(T0.ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(1).ToString("O"))}");

        Assert.Equal(("DT7-FEEDER", 3), (balance.GetProperty("transformerMeter").GetString(), balance.GetProperty("consumers").GetInt32()));
        var intervals = balance.GetProperty("intervals").EnumerateArray().ToList();
        Assert.Equal(48, intervals.Count);
        Assert.Equal(20, intervals[0].GetProperty("loss").GetDouble(), 9);
        Assert.Equal(120, intervals[30].GetProperty("loss").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, intervals[47].GetProperty("loss").ValueKind);
        Assert.Equal(["DT7-B"], intervals[47].GetProperty("missingConsumers").EnumerateArray().Select(m => m.GetString()));
        var total = balance.GetProperty("total");
        Assert.Equal((47, 1), (total.GetProperty("completeIntervals").GetInt32(), total.GetProperty("incompleteIntervals").GetInt32()));
        Assert.Equal((24 * 20) + (23 * 120), total.GetProperty("loss").GetDouble(), 9);
        var suspects = balance.GetProperty("suspects").EnumerateArray().ToList();
        Assert.Equal("DT7-C", suspects[0].GetProperty("serial").GetString());
        Assert.Equal(1, suspects[0].GetProperty("rank").GetInt32());
        Assert.True(suspects[0].GetProperty("correlation").GetDouble() > 0.95);
        var audit = await Client.GetFromJsonElementAsync("/api/audit?after=0&pageSize=1000");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "transformer.meter-set" && e.GetProperty("actor").GetString() == "planner");
    }

    [Fact]
    public async Task GetBalance_UnknownTransformerOrBadSpan_Refused()
    {
        using var unknown = await Client.GetAsync(new Uri("/api/transformers/DT-NONE/balance?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z", UriKind.Relative));
        using var backwards = await Client.GetAsync(new Uri("/api/transformers/DT-NONE/balance?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", UriKind.Relative));
        using var tooLong = await Client.GetAsync(new Uri("/api/transformers/DT-NONE/balance?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", UriKind.Relative));
        using var noMeter = await Api.SendAsync(Client, HttpMethod.Put, "/api/transformers/DT-NONE/meter", """{"meter":"NO-SUCH"}""", actor: "planner");

        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown-transformer");
        await Api.AssertProblemAsync(backwards, HttpStatusCode.BadRequest, "bad-request");
        await Api.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "bad-request");
        await Api.AssertProblemAsync(noMeter, HttpStatusCode.NotFound, "unknown-meter");
    }
}
