using Meterline.EndToEnd.Tests.Support;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Scenarios;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Fleet;

/// <summary>
/// A simulated fleet of 100 meters pushes to a real head-end node over the TCP wrapper: over a simulated day,
/// everything each meter recorded in its own buffers — every interval, the billing snapshot of its billing midnight,
/// every event — ends up in the head-end's store exactly once, with the meter's values; when the push path loses
/// hours of pushes, gap detection and back-fill (range reads over DLMS/TCP) make the store whole again, still once per
/// interval. Run once per engine.
/// </summary>
public abstract class FleetDayTests
{
    private const int MeterCount = 100;

    /// <summary>Simulated seconds per real second: a day in about 22 s.</summary>
    private const double Speed = 4_000;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);

    /// <summary>How long the node may take to store what the fleet pushed (real time).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    /// <summary>16:30 IST on the last day of February: the day runs through the meters' billing midnight (1 March, 00:00 IST).</summary>
    private static readonly DateTimeOffset Start = new(2026, 2, 28, 11, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Mid-month, far from any billing midnight: only usage pushes go over the path while it is broken. (Back-fill
    /// reads the load profile: a billing or alert push lost on the wire is not recovered by it.)
    /// </summary>
    private static readonly DateTimeOffset BackfillStart = new(2026, 3, 10, 11, 0, 0, TimeSpan.Zero);

    protected abstract IStorageTarget Target { get; }

    [Fact]
    public async Task Day_HundredMetersPushOverTcp_EveryIntervalBillingAndEventStoredOnceWithTheMetersValues()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var node = await RunningNode.StartAsync(Target, ForAcceleratedFleet, ct);
        await using var fleet = await RunningFleet.StartAsync(MeterCount, Speed, Start, node.PushEndpoint, [Scenario("magnet:meter=3:at=2026-02-28T19:00Z:for=1h")], ct);
        var import = await node.Node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "e2e", ct);
        Assert.Equal(MeterCount, import.Added);
        var registered = await StoredReadings.MetersAsync(node.Node.Meters, ct);

        fleet.Run();
        var dayStart = NextBoundary(fleet.Now);
        var dayEnd = dayStart.AddDays(1);
        await fleet.UntilAsync(dayEnd, ct);
        await UntilLatestIntervalAsync(node, registered.Values, dayEnd - Interval, ct);
        await fleet.StopAsync();

        foreach (var simulated in fleet.Meters)
        {
            var meter = simulated.Meter;
            var id = registered[meter.Id].Id;
            var expected = MeterBuffers.Intervals(meter, Start, dayEnd);
            Assert.Equal(96, expected.Keys.Where(k => k.Time >= dayStart).Select(k => k.Time).Distinct().Count());

            var stored = await StoredReadings.AllAsync(node.Node.Stores.Readings, id, Start, dayEnd, ct);
            var duplicates = stored.GroupBy(r => (r.Time, r.Quantity)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{meter.Id}: stored more than once: {string.Join(", ", duplicates)}");
            var block = stored.Where(r => IsBlock(r.Quantity)).ToDictionary(r => (r.Time, r.Quantity));
            Assert.Equal(expected.Keys.Select(Key).Order(), block.Keys.Select(Key).Order());
            foreach (var (key, value) in expected)
            {
                Assert.True(value == block[key].Value, $"{meter.Id} {key}: the meter recorded {value}, the head-end stored {block[key].Value}");
            }

            Assert.All(stored, r => Assert.Equal(ReadingQuality.Authenticated, r.Quality));
            AssertCumulativeRegistersAddUp(meter.Id, stored);

            var billing = MeterBuffers.Billing(meter, Start, dayEnd);
            var snapshots = await node.Node.Stores.Readings.GetBillingSnapshotsAsync(id, Start, dayEnd, ct);
            Assert.Equal([new DateTimeOffset(2026, 2, 28, 18, 30, 0, TimeSpan.Zero)], billing.Select(b => b.Time));
            Assert.Equal(billing.Select(b => b.Time), snapshots.Select(s => s.CapturedAt));
            Assert.Equal(billing[0].Values.OrderBy(v => v.Key.Code), snapshots[0].Values.ToDictionary(v => v.Quantity, v => v.Value).OrderBy(v => v.Key.Code));

            var events = MeterBuffers.Events(meter, Start, dayEnd);
            var storedEvents = await node.Node.Stores.Readings.GetEventsAsync(id, Start, dayEnd, 10_000, ct);
            Assert.Equal(events.Order(), storedEvents.Select(e => (MeterBuffers.Hundredths(e.OccurredAt), e.Code)).Order());
        }

        Assert.Contains((201, 1), fleet.Meters[3].Meter.EventCounts.Select(c => ((int)c.Key, c.Value)));
        Assert.Equal(0, node.Node.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(0, node.Node.Pipeline.Metrics.Shed);
        await node.AssertSurvivedAsync(ct);
    }

    [Fact]
    public async Task Backfill_PushPathLosesTwoHours_GapsFoundAndReadBackFromTheMetersAllStoredOnce()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var node = await RunningNode.StartAsync(Target, ForAcceleratedFleet, ct);
        await using var path = new PushPathRelay(node.PushEndpoint);
        await using var fleet = await RunningFleet.StartAsync(MeterCount, Speed, BackfillStart, path.Endpoint, scenarios: null, ct);
        Assert.Equal(MeterCount, (await node.Node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "e2e", ct)).Added);
        var registered = await StoredReadings.MetersAsync(node.Node.Meters, ct);

        // The meters' clocks ran while they were imported: let the pushes of those hours arrive before the path breaks.
        fleet.Run();
        var caughtUp = NextBoundary(fleet.Now);
        await fleet.UntilAsync(caughtUp, ct);
        await UntilLatestIntervalAsync(node, registered.Values, caughtUp, ct);
        var origin = NextBoundary(fleet.Now);
        await fleet.UntilAsync(origin.AddHours(1), ct);
        path.Dropping = true;
        await fleet.UntilAsync(origin.AddHours(3), ct);
        path.Dropping = false;
        await fleet.UntilAsync(origin.AddHours(6), ct);
        await UntilLatestIntervalAsync(node, registered.Values, origin.AddHours(5), ct);

        // Gap detection on the fleet's clock (the node's own runs on real time); the meters are read over DLMS/TCP
        // by the node's connector.
        var grace = TimeSpan.FromHours(2);
        var lookBack = NextBoundary(fleet.Now) - BackfillStart.AddHours(-1);
        var detector = new GapDetector(node.Node.Stores.Readings, new GapDetectorOptions { LookBack = lookBack, Grace = grace }, fleet.Time);
        var backfill = new BackfillService(node.Node.Meters, node.Node.Stores.Readings, node.Node.Connectors, detector, new BackfillOptions(), TimeProvider.System);
        var checkedUpTo = NextBoundary(fleet.Now - grace) - (2 * Interval);
        var gapsBefore = 0;
        foreach (var meter in registered.Values)
        {
            gapsBefore += (await detector.FindGapsAsync(meter.Id, ct)).Count(g => g.To > origin);
        }

        var result = await backfill.RunOnceAsync(ct);
        await fleet.StopAsync();

        Assert.True(path.Dropped >= MeterCount, $"the path lost only {path.Dropped} pushes");
        Assert.Equal(MeterCount, gapsBefore);
        Assert.Equal(0, result.Failures);
        Assert.Equal(MeterCount, result.MetersBackfilled);
        var backfilled = 0;
        foreach (var simulated in fleet.Meters)
        {
            var meter = simulated.Meter;
            var expected = MeterBuffers.Intervals(meter, BackfillStart, checkedUpTo);
            var stored = await StoredReadings.AllAsync(node.Node.Stores.Readings, registered[meter.Id].Id, BackfillStart, checkedUpTo, ct);
            var block = stored.Where(r => IsBlock(r.Quantity)).ToList();
            Assert.Equal(block.Count, block.Select(r => (r.Time, r.Quantity)).Distinct().Count());
            var byKey = block.ToDictionary(r => (r.Time, r.Quantity));
            Assert.Equal(expected.Keys.Select(Key).Order(), byKey.Keys.Select(Key).Order());
            foreach (var (key, value) in expected)
            {
                Assert.True(value == byKey[key].Value, $"{meter.Id} {key}: the meter recorded {value}, the head-end stored {byKey[key].Value}");
            }

            backfilled += block.Count(r => r.Quantity == Quantity.BlockImportEnergy && r.Quality == (ReadingQuality.Authenticated | ReadingQuality.BackFilled));
        }

        // Every push the path lost was one interval, and back-fill read each of them (and only those) from its meter.
        Assert.Equal(path.Dropped, backfilled);
        Assert.Equal(0, node.Node.Pipeline.Metrics.RejectedTotal);
        await node.AssertSurvivedAsync(ct);
    }

    /// <summary>
    /// The node runs on real time while the fleet runs <see cref="Speed"/> times faster, so its meters push that much
    /// more often per real second than real meters would: the guard's rate limits are scaled with the fleet's clock.
    /// </summary>
    internal static HeadEndOptions ForAcceleratedFleet(HeadEndOptions options) => options with
    {
        Ingest = options.Ingest with
        {
            Guard = options.Ingest.Guard with
            {
                PerMeter = new TokenBucketSettings(Speed / 60, 1_000),
                PerSource = new TokenBucketSettings(MeterCount * Speed / 60, 100_000),
            },
        },
    };

    internal static Scenario Scenario(string text) =>
        ScenarioParser.TryParse(text, out var scenario, out var error) ? scenario : throw new ArgumentException(error, nameof(text));

    internal static DateTimeOffset NextBoundary(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % Interval.Ticks) + Interval.Ticks, TimeSpan.Zero);

    /// <summary>
    /// Waits until the head-end holds, for every meter, an interval at <paramref name="last"/> or later (each meter's
    /// pushes arrive in order), or until <see cref="Settle"/> has passed: the assertions after it say what is missing.
    /// </summary>
    internal static async Task UntilLatestIntervalAsync(RunningNode node, IEnumerable<HeadEnd.Meters.Meter> meters, DateTimeOffset last, CancellationToken cancellationToken)
    {
        var ids = meters.Select(m => m.Id).ToList();
        var until = DateTime.UtcNow + Settle;
        while (DateTime.UtcNow < until)
        {
            var latest = await node.Node.Stores.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, cancellationToken);
            if (ids.All(id => latest.TryGetValue(id, out var time) && time >= last))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static (DateTimeOffset, short) Key((DateTimeOffset Time, Quantity Quantity) key) => (key.Time, key.Quantity.Code);

    private static bool IsBlock(Quantity quantity) =>
        quantity == Quantity.BlockImportEnergy || quantity == Quantity.BlockExportEnergy || quantity == Quantity.BlockAverageVoltage || quantity == Quantity.BlockAverageCurrent;

    /// <summary>Each usage push also carries the cumulative registers: between two intervals they grow by the interval's block energy.</summary>
    private static void AssertCumulativeRegistersAddUp(string serial, List<IntervalReading> stored)
    {
        foreach (var (cumulative, blockQuantity) in new[] { (Quantity.CumulativeImportEnergy, Quantity.BlockImportEnergy), (Quantity.CumulativeExportEnergy, Quantity.BlockExportEnergy) })
        {
            var totals = stored.Where(r => r.Quantity == cumulative).ToDictionary(r => r.Time, r => r.Value);
            var blocks = stored.Where(r => r.Quantity == blockQuantity).ToDictionary(r => r.Time, r => r.Value);
            Assert.Equal(blocks.Keys.Order(), totals.Keys.Order());
            foreach (var (time, total) in totals)
            {
                if (totals.TryGetValue(time - Interval, out var before))
                {
                    Assert.True(total - before == blocks[time], $"{serial} {time:O}: {cumulative} went from {before} to {total}, the block says {blocks[time]}");
                }
            }
        }
    }
}
