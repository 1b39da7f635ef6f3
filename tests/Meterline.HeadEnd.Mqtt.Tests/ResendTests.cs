using System.Net;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Broker;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// Nothing acknowledged is lost and nothing is stored twice when a head-end node or the broker goes down mid-stream:
/// real meters, a real pipeline on SQLite (the same database file across the two nodes), real mosquitto.
/// </summary>
public sealed class ResendTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;
    private static readonly IngressGuardOptions Fast = new() { PerMeter = new TokenBucketSettings(50, 500) };

    [Fact]
    public async Task Crash_BeforeCommitOnTheEmbeddedBroker_NoPubAckAndTheMeterResendsToTheNextNode()
    {
        await using var first = await MqttHeadEnd.StartAsync(guard: Fast);
        first.Readings.Close();
        var meters = await first.StartFleetAsync(1, speed: 300);
        var port = first.BrokerEndpoint.Port;
        var held = await HeldIntervalsAsync(first);

        // The writer is held: the meter has no PUBACK, so it still has the push.
        Assert.Equal(0, first.Fleet.Mqtt!.Sent);
        Assert.True(first.Fleet.Meters[0].Meter.PendingPushes > 0);
        await first.CrashAsync();

        await using var second = await MqttHeadEnd.StartAsync(options: new MqttBrokerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, port)] }, guard: Fast, directory: first.Directory);
        await UntilStoredAsync(second, meters[0], held);

        await AssertStoredOnceWithoutGapsAsync(second, meters[0], held);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(first.Fleet.Mqtt.Sent > 0), "the resent push acknowledged by the second node");
        Assert.Equal(0, second.Pipeline.Metrics.RejectedTotal);
    }

    [Fact]
    public async Task Crash_BeforeCommitBehindMosquitto_UnacknowledgedMessageRedeliveredToTheNextNode()
    {
        var (first, broker, meters) = await ExternalBrokerTests.StartAsync(1, 300);
        await using var _ = first;
        await using var __ = broker;
        first.Readings.Close();
        await using (var consumer = ExternalBrokerTests.Consumer(first, broker, "hes-1"))
        {
            using var stop = new CancellationTokenSource();
            var consuming = consumer.RunAsync(stop.Token);
            var held = await HeldIntervalsAsync(first);

            // mosquitto acknowledged the meter; the node has not acknowledged mosquitto.
            Assert.True(first.Fleet.Mqtt!.Sent > 0);
            Assert.Equal(0, consumer.Handled);
            await stop.CancelAsync();
            await consuming.WaitAsync(Bound);
            Assert.True(consumer.Unacknowledged > 0);
            await first.CrashAsync();

            await using var second = await MqttHeadEnd.StartAsync(broker: false, guard: Fast, directory: first.Directory);
            await using var next = ExternalBrokerTests.Consumer(second, broker, "hes-1");
            using var stopNext = new CancellationTokenSource();
            var consumingNext = next.RunAsync(stopNext.Token);
            await UntilStoredAsync(second, meters[0], held);

            await AssertStoredOnceWithoutGapsAsync(second, meters[0], held);
            Assert.True(next.Redelivered > 0, "mosquitto delivered the unacknowledged message again (DUP)");
            Assert.Equal(0, second.Pipeline.Metrics.RejectedTotal);
            await stopNext.CancelAsync();
            await consumingNext.WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task Restart_MosquittoWhileMetersPush_ConsumerReconnectsAndEveryAcknowledgedPushIsStored()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(10, 900, run: false);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
        using var fleetStop = new CancellationTokenSource();
        var fleet = head.Fleet.RunAsync(fleetStop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent >= 20), "twenty pushes through mosquitto");

        // Held writes pile messages up at mosquitto (acknowledged to the meters, not yet to the node) across the restart.
        head.Readings.Close();
        var before = head.Fleet.Mqtt!.Sent;
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt.Sent >= before + 10), "ten more pushes queued at mosquitto");
        await broker.RestartAsync(TimeSpan.FromSeconds(1));
        head.Readings.Release();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Connects >= 2 && consumer.IsSubscribed), "the consumer reconnected by itself");
        var restarted = head.Fleet.Mqtt.Sent;
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt.Sent >= restarted + 20), "twenty pushes after the restart");
        await fleetStop.CancelAsync();
        await fleet.WaitAsync(Bound);

        // Every push a meter no longer holds was acknowledged by mosquitto, and must reach the database.
        var delivered = head.Fleet.Meters.Sum(m => m.Meter.BlocksCaptured - m.Meter.PendingPushes);
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline && await StoredIntervalsAsync(head, meters) < delivered)
        {
            await Task.Delay(100);
        }

        var metrics = head.Pipeline.Metrics;
        Assert.True(await StoredIntervalsAsync(head, meters) >= delivered,
            $"{await StoredIntervalsAsync(head, meters)} of {delivered} intervals stored; acknowledged by mosquitto {head.Fleet.Mqtt.Sent}, consumer handled {consumer.Handled}, "
            + $"unacknowledged {consumer.Unacknowledged}, redelivered {consumer.Redelivered}, connects {consumer.Connects}, pushes {consumer.Pushes}; accepted {metrics.Accepted}, "
            + $"rejected [{string.Join(",", Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => $"{r}={metrics.Rejected(r)}"))}], shed {metrics.Shed}");
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        // Per meter: stored once, everything it no longer holds stored, and a gap only where it still holds the push
        // (a push mosquitto answered "no matching subscribers" while the node was away is kept, retried later, and may
        // still be parked when the fleet stops — the meter then holds it, which is not a loss).
        foreach (var meter in meters)
        {
            var times = await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, MqttHeadEnd.Start, MqttHeadEnd.Start.AddDays(30));
            Assert.Equal(times.Count, times.Distinct().Count());
            var simulated = head.Fleet.Meters.Single(m => m.Id == meter.Serial).Meter;
            var missing = times.Count == 0 ? 0 : (int)((times.Max() - times.Min()).Ticks / TimeSpan.FromMinutes(15).Ticks) + 1 - times.Count;
            var detail = $"meter {meter.Id}: stored [{string.Join(", ", times.Order().Select(t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)))}], "
                + $"captured {simulated.BlocksCaptured}, pending {simulated.PendingPushes}; {Describe(head, consumer)}";
            Assert.True(times.Count >= simulated.BlocksCaptured - simulated.PendingPushes, detail);
            Assert.True(missing <= simulated.PendingPushes, detail);
        }

        Assert.True(head.Fleet.Mqtt.Sent <= await StoredIntervalsAsync(head, meters), "every push mosquitto acknowledged is stored");
    }

    /// <summary>
    /// The node is away while two meters push through mosquitto; when it is back, mosquitto hands each meter's backlog
    /// over back to back: handled in order (no later push committed ahead of an earlier one, which would make that one
    /// a replay) and paced by the per-meter quota (10 at once, then 5 a second) instead of refused.
    /// </summary>
    [Fact]
    public async Task Reconnect_BacklogAtMosquitto_HandledInOrderAndPacedByTheQuotaWithoutLoss()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(2, 1800, run: false, new IngressGuardOptions { PerMeter = new TokenBucketSettings(5, 10) });
        await using var _ = head;
        await using var __ = broker;
        await using (var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1"))
        {
            // Subscribe once (the session and its shared subscription stay at mosquitto), then go away.
            using var stop = new CancellationTokenSource();
            var consuming = consumer.RunAsync(stop.Token);
            await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
            await stop.CancelAsync();
            await consuming.WaitAsync(Bound);
        }

        using var fleetStop = new CancellationTokenSource();
        var fleet = head.Fleet.RunAsync(fleetStop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent >= 40), "a backlog of forty pushes at mosquitto");
        await fleetStop.CancelAsync();
        await fleet.WaitAsync(Bound);
        var sent = head.Fleet.Mqtt!.Sent;

        // Back again: mosquitto hands over each meter's pushes back to back, in order.
        await using var again = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stopAgain = new CancellationTokenSource();
        var consumingAgain = again.RunAsync(stopAgain.Token);
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline && await StoredIntervalsAsync(head, meters) < sent)
        {
            await Task.Delay(100);
        }

        Assert.True(await StoredIntervalsAsync(head, meters) >= sent, $"{await StoredIntervalsAsync(head, meters)} of {sent} stored; {Describe(head, again)}");
        await stopAgain.CancelAsync();
        await consumingAgain.WaitAsync(Bound);

        Assert.Equal(0, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(sent, await StoredIntervalsAsync(head, meters));
        Assert.True(again.Throttled > 0, "the backlog went over the quota and was paced");
    }

    /// <summary>
    /// One worker, the writer held: the worker hands every push to the pipeline without waiting for a commit (the
    /// messages in hand are bounded by the Receive Maximum, not by the workers), yet no PUBACK goes to mosquitto before
    /// the commit; released, every push is stored once, in order (no replay refused).
    /// </summary>
    [Fact]
    public async Task WriterHeld_OneWorker_QueuesEveryPushAndAcknowledgesNoneBeforeTheCommit()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(2, 900, run: false, Fast);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1", workers: 1);
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
        head.Readings.Close();

        var sent = await TwentyPushesAsync(head);

        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Pushes >= sent), "every push handed to the pipeline while the writer is held");
        Assert.Equal(sent, consumer.Pushes);
        Assert.Equal(0, consumer.Handled);
        Assert.True(head.Readings.Attempts.Count <= 1, $"{head.Readings.Attempts.Count} writes reached the held store");

        head.Readings.Release();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Handled >= sent), "every push acknowledged after its commit");
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(sent, consumer.Handled);
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(sent, await StoredIntervalsAsync(head, meters));
        foreach (var meter in meters)
        {
            var times = await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, MqttHeadEnd.Start, MqttHeadEnd.Start.AddDays(30));
            Assert.Equal(times.Count, times.Distinct().Count());
        }
    }

    /// <summary>
    /// The PUBACKs of one commit leave in one socket write, and none before its commit: the writer is held with every
    /// push queued — no PUBACK written — then released; each commit's PUBACKs (counted on the consumer's real
    /// connection to mosquitto) go out together, so the writes are at most the commits, far fewer than the PUBACKs.
    /// </summary>
    [Fact]
    public async Task WriterHeld_PubAcksOfOneCommit_OneWriteAfterTheCommitAndNoneBefore()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(2, 900, run: false, Fast);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
        head.Readings.Close();

        var sent = await TwentyPushesAsync(head);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Pushes >= sent), "every push handed to the pipeline while the writer is held");
        Assert.Equal(0, consumer.Handled);
        Assert.Equal(0, consumer.AcknowledgementWrites);

        head.Readings.Release();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Handled >= sent), "every push acknowledged after its commit");
        var commits = head.Readings.Attempts.Count;
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(sent, consumer.Handled);
        Assert.Equal(sent, await StoredIntervalsAsync(head, meters));
        Assert.Equal(0, consumer.Redelivered);
        Assert.InRange(consumer.AcknowledgementWrites, 1, commits);
        Assert.True(commits < sent, $"{commits} commits for {sent} pushes: the held writer's backlog is one commit");
    }

    /// <summary>
    /// A Receive Maximum of 3 (the node's own bound on messages in hand, as well as mosquitto's): with the writer held
    /// no more than 3 pushes reach the pipeline; released, every push is stored and acknowledged — each answered
    /// message gives its slot back, so the consumer never stalls for slots it leaked.
    /// </summary>
    [Fact]
    public async Task WriterHeld_ReceiveMaximumThree_AtMostThreeInHandThenEveryPushStoredAndAcknowledged()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(2, 900, run: false, Fast);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1", workers: 2, queueCapacity: 3);
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
        head.Readings.Close();

        var sent = await TwentyPushesAsync(head);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Pushes >= 3), "three pushes in hand");
        Assert.InRange(consumer.Pushes, 3, 3);
        Assert.Equal(0, consumer.Handled);

        head.Readings.Release();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Handled >= sent), "every push acknowledged after its commit");
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(sent, consumer.Handled);
        Assert.Equal(sent, await StoredIntervalsAsync(head, meters));
        Assert.Equal(1, consumer.Connects);
    }

    /// <summary>
    /// The pipeline's usage queue holds 2 pushes and the writer is held: the consumer's further pushes are shed at the
    /// queue. They are not acknowledged and the connection is kept (no reconnect, which would have mosquitto send
    /// everything in hand again); each is tried again later and, once the writer goes on, stored once.
    /// </summary>
    [Fact]
    public async Task PipelineQueueFull_PushesShed_TriedAgainWithoutReconnectAndStoredOnce()
    {
        var (head, broker, meters) = await ExternalBrokerTests.StartAsync(2, 900, run: false, Fast, usageQueueCapacity: 2);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");
        head.Readings.Close();

        var sent = await TwentyPushesAsync(head);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Pipeline.Metrics.Shed > 0), "a push shed at the full queue");
        Assert.Equal(0, consumer.Handled);

        head.Readings.Release();
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline && await StoredIntervalsAsync(head, meters) < sent)
        {
            await Task.Delay(100);
        }

        Assert.Equal(sent, await StoredIntervalsAsync(head, meters));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.Handled >= sent), "every push acknowledged after its commit");
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(1, consumer.Connects);
        Assert.Equal(0, consumer.Redelivered);
        Assert.True(consumer.ShedRetries > 0, "shed pushes tried again");
        Assert.Equal(0, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        foreach (var meter in meters)
        {
            var times = await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, MqttHeadEnd.Start, MqttHeadEnd.Start.AddDays(30));
            Assert.Equal(times.Count, times.Distinct().Count());
        }
    }

    private static string Describe(MqttHeadEnd head, Uplink.MqttUplinkConsumer consumer)
    {
        var metrics = head.Pipeline.Metrics;
        return $"consumer handled {consumer.Handled}, unacknowledged {consumer.Unacknowledged}, redelivered {consumer.Redelivered}, connects {consumer.Connects}, pushes {consumer.Pushes}; "
            + $"accepted {metrics.Accepted}, rejected [{string.Join(",", Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => $"{r}={metrics.Rejected(r)}"))}], shed {metrics.Shed}";
    }

    /// <summary>Waits for the first batch held at the writer and returns its block intervals.</summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> HeldIntervalsAsync(MqttHeadEnd head)
    {
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Readings.Attempts.Any(b => b.Readings.Any(r => r.Quantity == Quantity.BlockImportEnergy))), "a push held at the writer");
        return [.. head.Readings.Attempts.First(b => b.Readings.Any(r => r.Quantity == Quantity.BlockImportEnergy)).Readings
            .Where(r => r.Quantity == Quantity.BlockImportEnergy).Select(r => r.Time)];
    }

    private static Task UntilStoredAsync(MqttHeadEnd head, Meters.Meter meter, IReadOnlyList<DateTimeOffset> held) =>
        MqttHeadEnd.UntilAsync(async () => (await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, held.Min(), held.Max().AddMinutes(1))).Count >= held.Count,
            "the held push stored by the next node");

    private static async Task AssertStoredOnceWithoutGapsAsync(MqttHeadEnd head, Meters.Meter meter, IReadOnlyList<DateTimeOffset> held)
    {
        var times = await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, MqttHeadEnd.Start, MqttHeadEnd.Start.AddDays(30));
        Assert.All(held, t => Assert.Single(times, t));
        Assert.Equal(times.Count, times.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, times.Count).Select(i => times[0].AddMinutes(15 * i)), times.Order());
    }

    private static async Task<long> StoredIntervalsAsync(MqttHeadEnd head, IReadOnlyList<Meters.Meter> meters)
    {
        long stored = 0;
        foreach (var meter in meters)
        {
            stored += (await head.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, MqttHeadEnd.Start, MqttHeadEnd.Start.AddDays(30))).Count;
        }

        return stored;
    }

    /// <summary>Runs the fleet until twenty pushes went through mosquitto, stops it, and returns how many it sent.</summary>
    private static async Task<long> TwentyPushesAsync(MqttHeadEnd head)
    {
        using var fleetStop = new CancellationTokenSource();
        var fleet = head.Fleet.RunAsync(fleetStop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent >= 20), "twenty pushes through mosquitto");
        await fleetStop.CancelAsync();
        await fleet.WaitAsync(Bound);
        return head.Fleet.Mqtt!.Sent;
    }
}
