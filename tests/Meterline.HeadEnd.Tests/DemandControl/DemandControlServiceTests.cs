using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Meterline.HeadEnd.Tests.Commands;

namespace Meterline.HeadEnd.Tests.DemandControl;

public sealed class DemandControlServiceTests
{
    private static readonly DateTimeOffset Now = CommandHarness.Start;
    private static readonly LoadLimitParameters TwoKilowatts = new(new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(1, Now.AddHours(18), TimeSpan.FromHours(2))));

    [Fact]
    public async Task FanOut_GroupOfForty_AtMostTheRatePerPassOneCommandPerMeterAndProgressAddsUp()
    {
        await using var h = new CommandHarness(new CommandDispatcherOptions { MaxConcurrency = 3 });
        var demand = Service(h, out _, new DemandControlOptions { CommandsPerInterval = 15 });
        var meters = new List<MeterId>();
        for (var i = 1; i <= 40; i++)
        {
            meters.Add((await AddAsync(h, i, feeder: "F1")).Id);
        }

        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Feeder, "F1", null, TwoKilowatts, "operator-1"));
        var before = await demand.GetProgressAsync(limit.Id);

        Assert.Equal(40, limit.MemberCount);
        Assert.Equal(40, before!.Pending);
        Assert.Equal(15, await demand.FanOutAsync(15));
        Assert.Equal(15, (await h.Commands.GetByStateAsync([CommandState.Requested], 100)).Count);
        var partway = await demand.GetProgressAsync(limit.Id);
        Assert.Equal((25, 15), (partway!.Pending, partway.ByState[CommandState.Requested]));

        h.Connector.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.StartDispatcher();
        Assert.Equal(15, await demand.FanOutAsync(15));
        Assert.Equal(10, await demand.FanOutAsync(15));
        Assert.Equal(0, await demand.FanOutAsync(15));
        await CommandHarness.UntilAsync(() => h.Connector.Opened >= 3);
        h.Connector.Gate.SetResult();
        await CommandHarness.UntilAsync(() => demand.GetProgressAsync(limit.Id).Result!.IsComplete);

        var progress = await demand.GetProgressAsync(limit.Id);
        Assert.Equal(40, progress!.ByState[CommandState.Confirmed]);
        Assert.Equal(40, progress.Pending + progress.Rejected + progress.ByState.Values.Sum());
        Assert.Empty(progress.Failed);
        Assert.InRange(h.Connector.MaxOpen, 1, 3);
        foreach (var meter in meters)
        {
            var commands = await h.Commands.GetForMeterAsync(meter, 10);
            Assert.Equal(CommandKind.LoadLimit, Assert.Single(commands).Kind);
            Assert.Equal(TwoKilowatts.Settings, h.Connector[meter].Limiter.Settings);
        }
    }

    [Fact]
    public async Task FanOut_MemberCommandExistsAlready_IdempotencyKeyReusesItNoSecondCommand()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        var meter = await AddAsync(h, 1);
        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Meter, null, [meter.Id], TwoKilowatts, "operator-1"));

        // A pass that created the command and stopped before recording it (a crash) is repeated.
        var first = await h.Service.RequestAsync(new CommandSubmission(meter.Id, TwoKilowatts, "operator-1", null, $"demand-limit-{limit.Id.Value}-{meter.Id.Value}"));
        await demand.FanOutAsync(10);

        var member = Assert.Single(await h.DemandLimits.GetMembersAsync(limit.Id));
        Assert.Equal(first.Id, member.Command);
        Assert.Single(await h.Commands.GetForMeterAsync(meter.Id, 10));
    }

    [Fact]
    public async Task FanOut_MemberWithoutEndpointOrCompromised_RejectedAuditedAndListedAsFailed()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        var good = await AddAsync(h, 1, transformer: "T9");
        var noEndpoint = await h.Meters.AddAsync(new MeterRegistration("MTL00002", new MeterSystemTitle(0x4D544C0000000002UL), "is15959-single-phase", TransformerId: "T9"));
        var compromised = await AddAsync(h, 3, transformer: "T9");
        await h.Meters.SetKeyStatusAsync(compromised.Id, KeyStatus.Compromised);
        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Transformer, "T9", null, TwoKilowatts, "operator-1"));

        await demand.FanOutAsync(10);

        var progress = await demand.GetProgressAsync(limit.Id);
        Assert.Equal((0, 2, 1), (progress!.Pending, progress.Rejected, progress.ByState[CommandState.Requested]));
        Assert.Equal([noEndpoint.Id, compromised.Id], progress.Failed.Select(f => f.Meter).Order());
        Assert.All(progress.Failed, f => Assert.Equal("Rejected", f.State));
        Assert.Equal(2, h.Audit.Actions.Count(a => a == DemandAuditActions.MemberRejected));
        Assert.Single(await h.Commands.GetForMeterAsync(good.Id, 10));
    }

    [Fact]
    public async Task FanOut_CommandFails_ListedWithTheMetersError()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        var meter = await AddAsync(h, 1);
        h.Connector[meter.Id].IgnoreLimiterWrites = true;
        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Meters, null, [meter.Id], TwoKilowatts, "operator-1"));
        h.StartDispatcher();

        await demand.FanOutAsync(10);
        await CommandHarness.UntilAsync(() => demand.GetProgressAsync(limit.Id).Result!.IsComplete);

        var failure = Assert.Single((await demand.GetProgressAsync(limit.Id))!.Failed);
        Assert.Equal(("Failed", "the limiter does not read back as written"), (failure.State, failure.Reason));
    }

    [Fact]
    public async Task Request_GroupLargerThanTheBound_RefusedNothingAuditedOrStored()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _, new DemandControlOptions { MaxGroupSize = 3 });
        for (var i = 1; i <= 4; i++)
        {
            await AddAsync(h, i, transformer: "T1");
        }

        var rejection = await Assert.ThrowsAsync<DemandLimitRejectedException>(
            () => demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Transformer, "T1", null, TwoKilowatts, "operator-1")));

        Assert.Equal(DemandLimitRejection.GroupTooLarge, rejection.Reason);
        Assert.Contains("more than 3 meters", rejection.Message, StringComparison.Ordinal);
        Assert.Empty(h.Audit.Entries);
        Assert.Empty(await h.DemandLimits.GetPendingAsync(10));
    }

    [Fact]
    public async Task Request_GroupAtTheBound_AcceptedAndAudited()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _, new DemandControlOptions { MaxGroupSize = 3 });
        for (var i = 1; i <= 3; i++)
        {
            await AddAsync(h, i, transformer: "T1");
        }

        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Transformer, "T1", null, TwoKilowatts, "operator-1"));

        Assert.Equal(3, limit.MemberCount);
        var entry = Assert.Single(h.Audit.Entries);
        Assert.Equal((DemandAuditActions.LimitRequested, "transformer:T1"), (entry.Action, entry.Subject));
    }

    [Theory]
    [InlineData(DemandLimitTargetKind.Feeder, "NOPE", DemandLimitRejection.EmptyGroup)]
    [InlineData(DemandLimitTargetKind.Feeder, "", DemandLimitRejection.InvalidTarget)]
    [InlineData(DemandLimitTargetKind.Meters, null, DemandLimitRejection.InvalidTarget)]
    public async Task Request_BadTarget_Refused(DemandLimitTargetKind kind, string? target, DemandLimitRejection expected)
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        await AddAsync(h, 1, feeder: "F1");

        var rejection = await Assert.ThrowsAsync<DemandLimitRejectedException>(() => demand.RequestAsync(new DemandLimitSubmission(kind, target, null, TwoKilowatts, "operator-1")));

        Assert.Equal(expected, rejection.Reason);
    }

    [Fact]
    public async Task Request_ReadOnlyLimit_RefusedAsInvalidParameters()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        var meter = await AddAsync(h, 1);

        var rejection = await Assert.ThrowsAsync<CommandRejectedException>(
            () => demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Meter, null, [meter.Id], new LoadLimitParameters(null), "operator-1")));

        Assert.Equal(CommandRejection.InvalidParameters, rejection.Reason);
    }

    [Fact]
    public async Task RunAsync_EveryInterval_FansOutAtMostTheRateAndWakesTheDispatcher()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out var woken, new DemandControlOptions { CommandsPerInterval = 2, FanOutInterval = TimeSpan.FromSeconds(1) });
        for (var i = 1; i <= 5; i++)
        {
            await AddAsync(h, i, feeder: "F2");
        }

        await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Feeder, "F2", null, TwoKilowatts, "operator-1"));
        using var stop = new CancellationTokenSource();
        var running = demand.RunAsync(stop.Token);

        await CommandHarness.UntilAsync(() => demand.Created == 2);
        Assert.Equal(2, (await h.Commands.GetByStateAsync([CommandState.Requested], 10)).Count);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await CommandHarness.UntilAsync(() => demand.Created == 4);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await CommandHarness.UntilAsync(() => demand.Created == 5);
        await stop.CancelAsync();
        await running.WaitAsync(CommandHarness.Timeout);

        Assert.Equal(3, woken.Count);
        Assert.Equal(0, demand.Errors);
    }

    [Fact]
    public async Task Cancel_PartlyFannedOut_WaitingWithdrawnRequestedCancelledAuditedNoMoreCommands()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        for (var i = 1; i <= 3; i++)
        {
            await AddAsync(h, i, feeder: "F2");
        }

        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Feeder, "F2", null, TwoKilowatts, "operator-1"));
        await demand.FanOutAsync(1);

        var progress = await demand.CancelAsync(limit.Id, "operator-2", "storm passed");
        var fannedAfter = await demand.FanOutAsync(10);

        Assert.Equal(0, fannedAfter);
        Assert.Equal((0, 0, 2, 1), (progress!.Pending, progress.Rejected, progress.Withdrawn, progress.ByState[CommandState.Cancelled]));
        Assert.True(progress.IsComplete);
        Assert.Equal(("operator-2", "storm passed"), (progress.Limit.CancelledBy, progress.Limit.CancelReason));
        Assert.Equal(Now, progress.Limit.CancelledAt);
        Assert.Single(progress.Failed, f => f.State == "Cancelled");
        Assert.Single(h.Audit.Actions, a => a == DemandAuditActions.LimitCancelled);
        Assert.Single(await h.Commands.GetByStateAsync([CommandState.Cancelled], 10));
        Assert.Empty(await h.Commands.GetByStateAsync([CommandState.Requested], 10));
    }

    [Fact]
    public async Task Cancel_CommandAlreadySent_RunsToCompletionWhileTheRequestedOneIsCancelled()
    {
        await using var h = new CommandHarness(new CommandDispatcherOptions { MaxConcurrency = 1 });
        var demand = Service(h, out _);
        await AddAsync(h, 1, transformer: "T4");
        await AddAsync(h, 2, transformer: "T4");
        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Transformer, "T4", null, TwoKilowatts, "operator-1"));
        h.Connector.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await demand.FanOutAsync(10);
        h.StartDispatcher();
        await CommandHarness.UntilAsync(() => h.Connector.Opened >= 1);

        var progress = await demand.CancelAsync(limit.Id, "operator-2", null);
        h.Connector.Gate.SetResult();
        await CommandHarness.UntilAsync(() => demand.GetProgressAsync(limit.Id).Result!.IsComplete);

        Assert.Equal((1, 1), (progress!.ByState[CommandState.Sent], progress.ByState[CommandState.Cancelled]));
        Assert.Equal("cancelled by operator-2", progress.Limit.CancelReason);
        var done = await demand.GetProgressAsync(limit.Id);
        Assert.Equal((1, 1, 0), (done!.ByState[CommandState.Confirmed], done.ByState[CommandState.Cancelled], done.Withdrawn));
    }

    [Fact]
    public async Task Cancel_TwiceOrUnknown_SecondChangesNothingUnknownIsNull()
    {
        await using var h = new CommandHarness();
        var demand = Service(h, out _);
        var meter = await AddAsync(h, 1);
        var limit = await demand.RequestAsync(new DemandLimitSubmission(DemandLimitTargetKind.Meter, null, [meter.Id], TwoKilowatts, "operator-1"));

        await demand.CancelAsync(limit.Id, "operator-2", "first");
        var second = await demand.CancelAsync(limit.Id, "operator-3", "second");

        Assert.Equal(("operator-2", "first"), (second!.Limit.CancelledBy, second.Limit.CancelReason));
        Assert.Single(h.Audit.Actions, a => a == DemandAuditActions.LimitCancelled);
        Assert.Null(await demand.CancelAsync(new DemandLimitId(limit.Id.Value + 1), "operator-2", null));
        await Assert.ThrowsAsync<CommandRejectedException>(() => demand.CancelAsync(limit.Id, "operator-2", "bad\u0001reason"));
    }

    private static DemandControlService Service(CommandHarness h, out List<int> woken, DemandControlOptions? options = null)
    {
        var wakes = new List<int>();
        woken = wakes;
        return new DemandControlService(h.DemandLimits, h.Meters, h.Service, h.Audit, h.Time, options)
        {
            CommandsCreated = () =>
            {
                wakes.Add(wakes.Count);
                h.Dispatcher.Wake();
            },
        };
    }

    private static async Task<Meter> AddAsync(CommandHarness h, int number, string? transformer = null, string? feeder = null)
    {
        var meter = await h.Meters.AddAsync(new MeterRegistration($"MTL{number:D5}", new MeterSystemTitle(0x4D544C0000000000UL + (ulong)number), "is15959-single-phase",
            TransformerId: transformer, FeederId: feeder, Endpoint: TestConnector.Endpoint));
        await h.Vault.ProvisionAsync(meter.Id);
        return meter;
    }
}
