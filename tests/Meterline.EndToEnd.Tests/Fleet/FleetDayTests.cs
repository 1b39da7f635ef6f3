using Meterline.EndToEnd.Tests.Support;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Scenarios;
using Meterline.Storage.Tests.Support;

namespace Meterline.EndToEnd.Tests.Fleet;

/// <summary>
/// A simulated fleet of 100 meters pushes a simulated day (and more) to a real head-end node over the TCP wrapper;
/// afterwards everything each meter recorded in its own buffers — every interval, the billing snapshot of its billing
/// midnight, every event — is in the head-end's store exactly once, with the meter's values. Run once per engine.
/// </summary>
public abstract class FleetDayTests
{
    private const int MeterCount = 100;

    /// <summary>Simulated seconds per real second: a day in about 22 s.</summary>
    private const double Speed = 4_000;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);

    /// <summary>16:30 IST on the last day of February: the day runs through the meters' billing midnight (1 March, 00:00 IST).</summary>
    private static readonly DateTimeOffset Start = new(2026, 2, 28, 11, 0, 0, TimeSpan.Zero);

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

    /// <summary>Waits until the head-end holds, for every meter, an interval at <paramref name="last"/> or later (each meter's pushes arrive in order).</summary>
    internal static async Task UntilLatestIntervalAsync(RunningNode node, IEnumerable<HeadEnd.Meters.Meter> meters, DateTimeOffset last, CancellationToken cancellationToken)
    {
        var ids = meters.Select(m => m.Id).ToList();
        while (true)
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
