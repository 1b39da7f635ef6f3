using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Scheduling;
using Meterline.HeadEnd.Tests.Commands;

namespace Meterline.HeadEnd.Tests.Scheduling;

public sealed class ReadSchedulerTests
{
    private static ReadScheduler Scheduler(CommandHarness h, ReadSchedulerOptions? options = null) =>
        new(h.Meters, h.Commands, h.Readings, h.Service, [h.Connector], h.Time, options);

    [Fact]
    public async Task Tick_OnlySilentReachableActiveMeters_GetARead()
    {
        await using var h = new CommandHarness();
        var silent = await h.AddMeterAsync(1);
        var heard = await h.AddMeterAsync(2);
        var compromised = await h.AddMeterAsync(3);
        var unreachable = await h.AddMeterAsync(4, new MeterEndpoint("zigbee://0013A20040A1B2C3"));
        var quiet = await h.AddMeterAsync(5);
        await h.Meters.MarkHeardAsync([new(heard.Id, CommandHarness.Start.AddMinutes(-20)), new(quiet.Id, CommandHarness.Start.AddMinutes(-31))]);
        await h.Meters.SetKeyStatusAsync(compromised.Id, KeyStatus.Compromised);

        var created = await Scheduler(h).TickAsync();

        Assert.Equal(2, created);
        var reads = await h.Commands.GetByStateAsync([CommandState.Requested], 100);
        Assert.Equal([silent.Id, quiet.Id], reads.Select(c => c.Meter));
        Assert.All(reads, c => Assert.Equal(("scheduler", CommandKind.Read), (c.RequestedBy, c.Kind)));
        Assert.DoesNotContain(reads, c => c.Meter == unreachable.Id);
        Assert.All(h.Audit.Entries, e => Assert.Equal(("scheduler", "command.read.requested"), (e.Actor, e.Action)));
    }

    [Fact]
    public async Task Tick_ProfileRange_FromTheNewestStoredIntervalToNow()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var newest = CommandHarness.Start.AddHours(-3);
        await h.Readings.WriteAsync(new IngestBatch([new IntervalReading(meter.Id, newest, Quantity.BlockImportEnergy, 5, ReadingQuality.Authenticated)], [], [], new Dictionary<MeterId, uint>()));

        await Scheduler(h).TickAsync();

        var read = Assert.IsType<ReadParameters>(CommandParametersJson.Decode(CommandKind.Read, Assert.Single(await h.Commands.GetByStateAsync([CommandState.Requested], 10)).Parameters));
        Assert.Equal((newest, CommandHarness.Start), (read.ProfileFrom, read.ProfileTo));
        Assert.Equal([Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy], read.Quantities);
    }

    [Fact]
    public async Task Tick_Twice_OpenReadNotDuplicated_RecentReadNotRepeated()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var scheduler = Scheduler(h);
        Assert.Equal(1, await scheduler.TickAsync());

        Assert.Equal(0, await scheduler.TickAsync());
        var read = Assert.Single(await h.Commands.GetByStateAsync([CommandState.Requested], 10));
        await h.Commands.TransitionAsync(read.Id, CommandState.Requested, CommandState.Sent, CommandHarness.Start);
        await h.Commands.TransitionAsync(read.Id, CommandState.Sent, CommandState.Failed, CommandHarness.Start, "{}");
        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, await scheduler.TickAsync());

        h.Time.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(1, await scheduler.TickAsync());
        Assert.Equal(2, (await h.Commands.GetForMeterAsync(meter.Id, 10)).Count);
    }

    [Fact]
    public async Task Tick_PerTickCapAndOutstandingLimit_AndTheNextTickContinues()
    {
        await using var h = new CommandHarness();
        for (var i = 1; i <= 10; i++)
        {
            await h.AddMeterAsync(i);
        }

        var scheduler = Scheduler(h, new ReadSchedulerOptions { MaxPerTick = 3, MaxOutstanding = 5, PageSize = 4 });

        Assert.Equal(3, await scheduler.TickAsync());
        Assert.Equal(2, await scheduler.TickAsync());
        Assert.Equal(0, await scheduler.TickAsync());

        var reads = await h.Commands.GetByStateAsync([CommandState.Requested], 100);
        Assert.Equal(5, reads.Select(c => c.Meter).Distinct().Count());
        Assert.Equal(5, scheduler.Created);
    }

    [Fact]
    public async Task Run_TimerTicks_OnTheTimeProvider()
    {
        await using var h = new CommandHarness();
        var first = await h.AddMeterAsync(1);
        var scheduler = Scheduler(h, new ReadSchedulerOptions { TickInterval = TimeSpan.FromMinutes(5) });
        using var stop = new CancellationTokenSource();
        var running = scheduler.RunAsync(stop.Token);
        await CommandHarness.UntilAsync(() => scheduler.Created == 1);

        await h.AddMeterAsync(2);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await CommandHarness.UntilAsync(() => scheduler.Created == 2);

        await stop.CancelAsync();
        await running.WaitAsync(CommandHarness.Timeout);
        Assert.Single(await h.Commands.GetForMeterAsync(first.Id, 10));
    }
}
