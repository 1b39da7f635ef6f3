using System.Security.Cryptography;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Readings;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Server.Tests.Billing;

/// <summary>
/// End to end through the node's ingest pipeline: two real meters with the same household and grid (so the same
/// consumption), one whose every push arrives once, one whose every push arrives three times (twice unacknowledged and
/// resent with a new counter, then the acknowledged copy replayed byte for byte). Both are billed the same.
/// </summary>
public sealed class BilledOnceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(5.5));
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<string> _stateDirectories = [];
    private RunningNode _node = null!;

    public async Task InitializeAsync()
    {
        var guard = new IngressGuardOptions();
        _node = await RunningNode.StartAsync(o => o with
        {
            Tariffs = Path.Combine(RunningServer.RepositoryRoot(), "docs", "examples", "tariffs.json"),
            Ingest = new IngestPipelineOptions { Guard = guard with { PerMeter = new TokenBucketSettings(10_000, 10_000) } },
        });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        foreach (var directory in _stateDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Bill_EveryPushDeliveredThreeTimes_BilledAsIfDeliveredOnce()
    {
        var once = await AddMeterAsync("MTLONCE01", 0x4D544C00C0000001UL);
        var thrice = await AddMeterAsync("MTLTHRICE", 0x4D544C00C0000002UL);
        var submitted = new Dictionary<string, int> { ["once"] = 0, ["thrice"] = 0 };

        // One day of 15-minute blocks.
        for (var block = 0; block < 96; block++)
        {
            // To the block's end (the previous block's resends took 122 s of it).
            _time.Advance(block == 0 ? TimeSpan.FromMinutes(15) : TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(122));
            foreach (var push in Take(once.Meter))
            {
                await SubmitAsync(push.Apdu);
                submitted["once"]++;
                once.Meter.CompletePush(push.Sequence, delivered: true);
            }

            for (var attempt = 1; attempt <= 3; attempt++)
            {
                if (attempt > 1)
                {
                    _time.Advance(TimeSpan.FromSeconds(61));
                }

                foreach (var push in Take(thrice.Meter))
                {
                    await SubmitAsync(push.Apdu);
                    submitted["thrice"]++;
                    if (attempt == 3)
                    {
                        await SubmitAsync(push.Apdu);
                        submitted["thrice"]++;
                    }

                    thrice.Meter.CompletePush(push.Sequence, delivered: attempt == 3);
                }
            }
        }

        Assert.True(submitted["thrice"] >= 4 * 96, $"{submitted["thrice"]} submissions");
        var readings = _node.Node.Storage.Readings;
        var (monthStart, _) = new BillingMonth(2026, 4).Bounds(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        // Wait until both meters' day is stored and the pipeline has nothing queued; a duplicate still in flight adds no row.
        while ((await readings.GetIntervalTimesAsync(once.Id, Quantity.BlockImportEnergy, monthStart, monthStart.AddDays(2), bound.Token)).Count < 96
            || (await readings.GetIntervalTimesAsync(thrice.Id, Quantity.BlockImportEnergy, monthStart, monthStart.AddDays(2), bound.Token)).Count < 96
            || _node.Node.Pipeline.QueuedUsage + _node.Node.Pipeline.QueuedPriority > 0
            || await readings.CountReadingsAsync(once.Id, bound.Token) != await readings.CountReadingsAsync(thrice.Id, bound.Token))
        {
            await Task.Delay(50, bound.Token);
        }

        Assert.Equal(96, (await readings.GetIntervalTimesAsync(thrice.Id, Quantity.BlockImportEnergy, monthStart, monthStart.AddDays(2), bound.Token)).Count);
        // Every copy reached the pipeline: admitted (then kept once by the store's unique key) or, if its original was
        // already committed, refused as a replay — nothing else.
        var metrics = _node.Node.Pipeline.Metrics;
        Assert.Equal(submitted["once"] + submitted["thrice"], metrics.Accepted + metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(metrics.Rejected(IngestRejectReason.Replay), metrics.RejectedTotal);

        var billOnce = await _node.Node.Billing.IssueAsync(once.Id, new BillingMonth(2026, 4), reissue: false, "test", bound.Token);
        var billThrice = await _node.Node.Billing.IssueAsync(thrice.Id, new BillingMonth(2026, 4), reissue: false, "test", bound.Token);

        Assert.Equal(BillIssueOutcome.Issued, billOnce.Outcome);
        Assert.Equal(BillIssueOutcome.Issued, billThrice.Outcome);
        Assert.True(billThrice.Bill!.Estimated);
        Assert.Equal(1m / 30m, billThrice.Bill.DataShare, 4);
        Assert.True(billOnce.Bill!.ConsumptionKwh > 0);
        Assert.Equal(billOnce.Bill.ConsumptionKwh, billThrice.Bill.ConsumptionKwh);
        Assert.Equal(billOnce.Bill.Total, billThrice.Bill.Total);
    }

    private static List<PushMessage> Take(SmartMeter meter)
    {
        meter.AdvanceTo();
        var taken = new List<PushMessage>();
        while (taken.Count < 100 && meter.TryTakePush(out var push))
        {
            taken.Add(push);
        }

        return taken;
    }

    private async Task SubmitAsync(ReadOnlyMemory<byte> apdu)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var admission = await _node.Node.Pipeline.SubmitAsync(new InboundFrame("test:billing", "127.0.0.1", apdu, DateTimeOffset.UtcNow), bound.Token);
            if (admission.Status != FrameAdmissionStatus.Shed)
            {
                return;
            }

            await Task.Delay(20, bound.Token);
        }
    }

    private async Task<(SmartMeter Meter, MeterId Id)> AddMeterAsync(string serial, ulong title)
    {
        var encryption = RandomNumberGenerator.GetBytes(16);
        var authentication = RandomNumberGenerator.GetBytes(16);
        var master = RandomNumberGenerator.GetBytes(16);
        using var keys = new MeterKeySet(encryption, authentication, master, "reader-secret"u8);
        var result = await _node.Node.Provisioner.ImportAsync(new MeterRegistration(serial, new MeterSystemTitle(title), "is15959-single-phase", ConsumerId: "C-000001"), keys, "test");
        var directory = Directory.CreateTempSubdirectory("meterline-billed-once-").FullName;
        _stateDirectories.Add(directory);
        var meter = new SmartMeter(new SmartMeterOptions
        {
            Profile = MeterProfile.Load(Path.Combine(RunningServer.RepositoryRoot(), "profiles", "is15959-single-phase.json")),
            Identity = new MeterIdentity { Serial = serial, SystemTitle = new SystemTitle(title) },
            InitialKeys = new MeterKeyMaterial(encryption, default, authentication, master, "reader-secret"u8.ToArray()),
            Household = HouseholdProfile.Typical(7),
            GridSeed = 7,
            StateStore = new FileMeterStateStore(directory, flushToDisk: false),
            TimeProvider = _time,
        });
        return (meter, result.Meter!.Value);
    }
}
