using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Tests.Billing;

/// <summary>One running node billing with the documented example tariffs (docs/examples/tariffs.json); each test registers meters of its own.</summary>
public sealed class BillingNodeFixture : IAsyncLifetime
{
    private int _next;

    internal RunningNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await RunningNode.StartAsync(o => o with { Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json") });

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>Registers a meter of a consumer (none when null) through the provisioner.</summary>
    internal async Task<HeadEnd.Meters.Meter> AddMeterAsync(string? consumer)
    {
        var n = Interlocked.Increment(ref _next);
        var registration = new MeterRegistration($"BL{n:D6}", new MeterSystemTitle(0x4D544C00B0000000UL + (ulong)n), "is15959-single-phase", ConsumerId: consumer);
        var result = await Node.Node.Provisioner.AddAsync(registration, "test");
        return (await Node.Node.Meters.GetAsync(result.Meter!.Value))!;
    }

    /// <summary>Stores authenticated billing snapshots (import, zone 2, zone 3 in Wh) as the ingest pipeline would.</summary>
    internal Task StoreSnapshotsAsync(HeadEnd.Meters.Meter meter, params (DateTimeOffset At, double Import, double Zone2, double Zone3)[] snapshots) =>
        Node.Node.Storage.Readings.WriteAsync(new IngestBatch(
            [],
            [.. snapshots.Select(s => new BillingSnapshot(meter.Id, s.At, [new(Quantity.CumulativeImportEnergy, s.Import), new(Quantity.ImportInZone(2), s.Zone2), new(Quantity.ImportInZone(3), s.Zone3)], null, ReadingQuality.Authenticated))],
            [],
            new Dictionary<MeterId, uint>()));

    /// <summary>Stores authenticated hourly block energy over [from, to).</summary>
    internal Task StoreHourlyAsync(HeadEnd.Meters.Meter meter, DateTimeOffset from, DateTimeOffset to, double wh)
    {
        var readings = new List<IntervalReading>();
        for (var t = from.AddHours(1); t <= to; t = t.AddHours(1))
        {
            readings.Add(new IntervalReading(meter.Id, t, Quantity.BlockImportEnergy, wh, ReadingQuality.Authenticated));
        }

        return Node.Node.Storage.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
    }
}
