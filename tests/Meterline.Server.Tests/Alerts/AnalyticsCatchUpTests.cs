using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Server.Tests.Alerts;

/// <summary>
/// Analytics that fell behind: its bounded feed (capacity 1 here) lost records while it was not reading. It never
/// slowed ingest; when it runs, it catches up from the store over the meters the lost records touched (the feed names
/// them) rather than with another full pass, and the magnet event it never saw in the feed still becomes an alert.
/// </summary>
public sealed class AnalyticsCatchUpTests
{
    [Fact]
    public async Task RunAsync_FeedDroppedRecords_CatchesUpFromStore()
    {
        await using var node = await RunningNode.StartAsync(o => o with { Analytics = null, Ingest = o.Ingest with { SubscriberCapacity = 1 } });
        var n = node.Node;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var analytics = new AnalyticsService(n.Pipeline, n.Storage.Readings, n.Alerts, new AnalyticsOptions { FullPassPeriod = TimeSpan.FromDays(1) }, time);
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 60);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath), actor: "installer"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, import.StatusCode);
        }

        fleet.Simulator.Meters[0].SetMagnet(true);
        var meter = (await n.Meters.FindBySerialAsync(fleet.Simulator.Meters[0].Id))!;
        await UntilAsync(async () => n.Pipeline.Metrics.SubscriberDrops > 0
            && (await n.Storage.Readings.GetEventsAsync(meter.Id, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddYears(1), 100)).Any(e => e.Code == 201));

        using var stop = new CancellationTokenSource();
        var running = analytics.RunAsync(stop.Token);
        try
        {
            // The pass at start, then rounds over the lost meter: no full pass because of the loss.
            await UntilAsync(() => Task.FromResult(analytics.Follower.LostMeterRounds >= 1));
            await UntilAsync(async () => (await n.Alerts.Store.ListAsync(new AlertFilter(Meter: meter.Id, RuleId: "tamper-event"), null, 10)).Count == 1);
            Assert.Equal(0, analytics.Metrics.Failures);
            Assert.Equal(0, analytics.Follower.FullPassesAfterLoss);
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(RunningNode.Bound);
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (!await condition())
        {
            await Task.Delay(100, bound.Token);
        }
    }
}
