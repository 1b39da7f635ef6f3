using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.Portal;

/// <summary>
/// One running node with the example tariffs (docs/examples/tariffs.json), prepaid and consumers' own top-ups on; each
/// test registers meters of its own.
/// </summary>
public sealed class PortalNodeFixture : IAsyncLifetime
{
    private int _next;

    internal RunningNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await RunningNode.StartAsync(
            o => o with { Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"), Analytics = null },
            s => s with { Portal = new Meterline.Web.Portal.PortalOptions { ConsumerTopUp = true } });

    public async Task DisposeAsync() => await Node.DisposeAsync();

    internal async Task<HeadEnd.Meters.Meter> AddMeterAsync(string consumer)
    {
        var n = Interlocked.Increment(ref _next);
        var registration = new MeterRegistration($"PT{n:D6}", new MeterSystemTitle(0x4D544C00C0000000UL + (ulong)n), "is15959-single-phase", ConsumerId: consumer);
        var result = await Node.Node.Provisioner.AddAsync(registration, "test");
        return (await Node.Node.Meters.GetAsync(result.Meter!.Value))!;
    }

    /// <summary>Stores authenticated hourly block energy of <paramref name="wh"/> for the intervals ending in (from, to].</summary>
    internal Task StoreHourlyAsync(HeadEnd.Meters.Meter meter, DateTimeOffset from, DateTimeOffset to, double wh)
    {
        var readings = new List<IntervalReading>();
        for (var t = from.AddHours(1); t <= to; t = t.AddHours(1))
        {
            readings.Add(new IntervalReading(meter.Id, t, Quantity.BlockImportEnergy, wh, ReadingQuality.Authenticated));
        }

        return Node.Node.Storage.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
    }

    /// <summary>Stores authenticated billing snapshots (cumulative import in Wh, zones 2 and 3 at 0).</summary>
    internal Task StoreSnapshotsAsync(HeadEnd.Meters.Meter meter, params (DateTimeOffset At, double Import)[] snapshots) =>
        Node.Node.Storage.Readings.WriteAsync(new IngestBatch(
            [],
            [.. snapshots.Select(s => new BillingSnapshot(meter.Id, s.At, [new(Quantity.CumulativeImportEnergy, s.Import), new(Quantity.ImportInZone(2), 0), new(Quantity.ImportInZone(3), 0)], null, ReadingQuality.Authenticated))],
            [],
            new Dictionary<MeterId, uint>()));
}
