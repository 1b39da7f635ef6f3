using System.Globalization;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>A fleet over the embedded broker.</summary>
public sealed class FleetTests
{
    private const int IntervalsPerDay = 96;

    /// <summary>
    /// A hundred meters, all from 127.0.0.1, at 3,600× (a simulated day in 24 s: four pushes a second per meter).
    /// The fleet's clock runs from the moment it is built, and a meter captures its first block at the first boundary
    /// after it was made: at this speed making a hundred meters takes several 15-minute intervals, so the meters made
    /// late have no block for the first intervals of day one (the "loss" seen before was that — every block a meter
    /// captured was stored). Day two is a full day for every meter; day one must have no gap after each meter's first block.
    /// </summary>
    [Fact]
    public async Task Push_HundredMetersForAFullSimulatedDay_EveryIntervalStoredOnce()
    {
        await using var head = await MqttHeadEnd.StartAsync(guard: new IngressGuardOptions { PerMeter = new TokenBucketSettings(50, 500) }, gate: new ConnectionGateOptions { MaxConnectionsPerAddress = 200 });
        var meters = await head.StartFleetAsync(100, speed: 3600);
        var dayOne = MqttHeadEnd.Start;
        var dayTwo = MqttHeadEnd.Start.AddDays(1);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(240);
        var complete = 0;
        while (DateTime.UtcNow < deadline && complete < meters.Count)
        {
            await Task.Delay(500);
            complete = 0;
            foreach (var meter in meters)
            {
                if ((await IntervalsAsync(head, meter, dayTwo)).Count >= IntervalsPerDay)
                {
                    complete++;
                }
            }
        }

        var missing = new List<string>();
        foreach (var meter in meters)
        {
            var times = await IntervalsAsync(head, meter, dayTwo);
            if (times.Count < IntervalsPerDay)
            {
                missing.Add($"{meter.Serial} lacks {string.Join(",", Day(dayTwo).Except(times).Take(8).Select(t => t.ToString("HH:mm", CultureInfo.InvariantCulture)))}");
            }
        }

        var metrics = head.Pipeline.Metrics;
        var reasons = string.Join(",", Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => $"{r}={metrics.Rejected(r)}"));
        Assert.True(complete == meters.Count,
            $"{complete} of {meters.Count} meters complete on day two; {string.Join("; ", missing.Take(10))}; rejected [{reasons}]; accepted {metrics.Accepted}, shed {metrics.Shed}, "
            + $"write failures {metrics.WriteFailures}; MQTT sink acknowledged {head.Fleet.Mqtt!.Sent}, not acknowledged {head.Fleet.Mqtt.Failed}; {head.Fleet.Snapshot()}");
        foreach (var meter in meters)
        {
            var second = await IntervalsAsync(head, meter, dayTwo);
            Assert.Equal(Day(dayTwo), second);

            // Day one: from the meter's first block to midnight, without a gap.
            var first = await IntervalsAsync(head, meter, dayOne);
            Assert.NotEmpty(first);
            Assert.Equal(Day(dayOne).SkipWhile(t => t < first[0]), first);
        }

        Assert.Equal(0, metrics.RejectedTotal);
        Assert.Equal(0, head.Fleet.Snapshot().PushesDropped);
        Assert.Equal(100, head.Broker!.Logins);
    }

    /// <summary>The day's interval ends: 00:15 to 24:00.</summary>
    private static List<DateTimeOffset> Day(DateTimeOffset day) => [.. Enumerable.Range(1, IntervalsPerDay).Select(i => day.AddMinutes(15 * i))];

    private static async Task<List<DateTimeOffset>> IntervalsAsync(MqttHeadEnd head, Meters.Meter meter, DateTimeOffset day) =>
        [.. (await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, day.AddMinutes(15), day.AddDays(1).AddMinutes(1))).Order()];
}
