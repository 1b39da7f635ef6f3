using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>
/// A prepaid service on a fake clock over a running node's real stores (SQLite), its tariffs (the documented example,
/// Asia/Kolkata), its alert service and a command service on the same fake clock. The node's own prepaid loop is off;
/// the test settles and passes explicitly, as the loop would.
/// </summary>
internal sealed class PrepaidHarness : IDisposable
{
    public static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private static int _next;

    public PrepaidHarness(RunningNode node, DateTimeOffset start, PrepaidOptions? options = null)
    {
        Node = node;
        Time = new FakeTimeProvider(start);
        var n = node.Node;
        Commands = new CommandService(n.Storage.Commands, n.Meters, n.Audit, Time);
        Service = new PrepaidService(n.Pipeline, n.Storage.Prepaid, n.Meters, n.Storage.Readings, n.Billing.Tariffs, n.Alerts, Commands, n.Audit, options, Time);
        Consumer = $"P-{Interlocked.Increment(ref _next):D4}-{Guid.NewGuid():N}"[..20];
    }

    public RunningNode Node { get; }

    public FakeTimeProvider Time { get; }

    public CommandService Commands { get; }

    public PrepaidService Service { get; }

    /// <summary>This harness's consumer (on the example's default tariff, domestic).</summary>
    public string Consumer { get; }

    public IPrepaidStore Store => Node.Node.Storage.Prepaid;

    /// <summary>Registers a meter of the consumer with an endpoint (commands need one; nothing answers there).</summary>
    public async Task<HeadEnd.Meters.Meter> AddMeterAsync()
    {
        var n = Interlocked.Increment(ref _next);
        var registration = new MeterRegistration($"PP{n:D6}", new MeterSystemTitle(0x4D544C00D0000000UL + (ulong)n), "is15959-single-phase",
            ConsumerId: Consumer, Endpoint: new MeterEndpoint("dlms+tcp://127.0.0.1:9?wport=1"));
        var result = await Node.Node.Provisioner.AddAsync(registration, "test");
        return (await Node.Node.Meters.GetAsync(result.Meter!.Value))!;
    }

    /// <summary>Stores authenticated hourly block energy over (from, to]: <paramref name="wh"/> per hour, <paramref name="peakWh"/> from 18:00 to 22:00 local.</summary>
    public Task StoreHourlyAsync(HeadEnd.Meters.Meter meter, DateTimeOffset from, DateTimeOffset to, double wh, double? peakWh = null)
    {
        var readings = new List<IntervalReading>();
        for (var t = from.AddHours(1); t <= to; t = t.AddHours(1))
        {
            var hour = t.ToOffset(Ist).AddTicks(-1).Hour;
            readings.Add(new IntervalReading(meter.Id, t, Quantity.BlockImportEnergy, hour is >= 18 and < 22 ? peakWh ?? wh : wh, ReadingQuality.Authenticated));
        }

        return Node.Node.Storage.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()));
    }

    public async Task<PrepaidAccount> AccountAsync() => (await Store.GetAsync(Consumer))!;

    public async Task<IReadOnlyList<CommandRecord>> CommandsAsync(HeadEnd.Meters.Meter meter) =>
        [.. (await Node.Node.Storage.Commands.GetForMeterAsync(meter.Id, 100)).Where(c => c.RequestedBy == PrepaidAuditActions.Actor)];

    public async Task<IReadOnlyList<string>> AuditActionsAsync() =>
        [.. (await Node.Node.Storage.Audit.GetRecentAsync(PrepaidAuditActions.Subject(Consumer), 1000)).OrderBy(r => r.Sequence).Select(r => r.Action)];

    public Task<IReadOnlyList<Alert>> LowBalanceAlertsAsync(HeadEnd.Meters.Meter meter) =>
        Node.Node.Alerts.Store.ListAsync(new AlertFilter(null, meter.Id, PrepaidAlerts.LowBalanceRule), null, 100);

    public async Task<PrepaidAccount> OpenWithAsync(decimal credit)
    {
        var (outcome, _, detail) = await Service.OpenAsync(Consumer, "operator-1");
        Assert.True(outcome == AccountOpenOutcome.Opened, detail);
        if (credit > 0)
        {
            Assert.Equal(TopUpOutcome.Applied, (await Service.TopUpAsync(Consumer, credit, "opening-" + Consumer, "opening credit", "cashier")).Outcome);
        }

        return await AccountAsync();
    }

    public void Dispose() => Service.Dispose();
}
