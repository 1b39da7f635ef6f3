using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>A fleet over the embedded broker.</summary>
public sealed class FleetTests
{
    [Fact]
    public async Task Push_HundredMetersForSixSimulatedHours_EveryIntervalStoredOnce()
    {
        // Six hours in 24 s: each meter pushes once a (real) second; all of them from 127.0.0.1.
        await using var head = await MqttHeadEnd.StartAsync(guard: new IngressGuardOptions { PerMeter = new TokenBucketSettings(50, 500) }, gate: new ConnectionGateOptions { MaxConnectionsPerAddress = 200 });
        var meters = await head.StartFleetAsync(100, speed: 900);
        var from = MqttHeadEnd.Start.AddMinutes(15);
        var to = MqttHeadEnd.Start.AddHours(6).AddMinutes(1);
        const int intervals = 24;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var complete = 0;
        while (DateTime.UtcNow < deadline && complete < meters.Count)
        {
            await Task.Delay(500);
            complete = 0;
            foreach (var meter in meters)
            {
                if ((await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, from, to)).Count >= intervals)
                {
                    complete++;
                }
            }
        }

        var first = await head.Storage.Readings.GetIntervalTimesAsync(meters[0].Id, Quantity.BlockImportEnergy, from, to);
        var expected = Enumerable.Range(1, intervals).Select(i => MqttHeadEnd.Start.AddMinutes(15 * i)).ToList();
        var missing = string.Join(",", expected.Except(first).Take(10).Select(t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
        var reasons = string.Join(",", Enum.GetValues<IngestRejectReason>().Where(r => head.Pipeline.Metrics.Rejected(r) > 0).Select(r => $"{r}={head.Pipeline.Metrics.Rejected(r)}"));
        Assert.True(meters.Count == complete, $"{complete} complete; {head.Fleet.Snapshot()}; first meter {first.Count} intervals, missing {missing}; rejected {reasons}; readings {await head.Storage.Readings.CountReadingsAsync()}");
        foreach (var meter in meters)
        {
            var times = await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, from, to);
            Assert.Equal(intervals, times.Count);
            Assert.Equal(intervals, times.Distinct().Count());
        }

        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(0, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(0, head.Fleet.Snapshot().PushesDropped);
        Assert.Equal(100, head.Broker!.Logins);
    }
}
