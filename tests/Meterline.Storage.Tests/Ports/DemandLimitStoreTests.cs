using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Group load limits with their members, and the last confirmed limiter per meter. Run against each engine.</summary>
public abstract class DemandLimitStoreTests : StorageTestBase
{
    private const string Parameters = """{"normal":5000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":30}""";

    private static DemandLimitDraft Draft(DateTimeOffset? notBefore = null) =>
        new(DemandLimitTargetKind.Feeder, "F-7", Parameters, "operator-1", T0.AddTicks(1_234_560), notBefore);

    [Fact]
    public async Task CreateAsync_ThenGetAsync_EveryFieldAndEveryMemberPending()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);

        var created = await Storage.DemandLimits.CreateAsync(Draft(T0.AddHours(18)), [b.Id, a.Id, b.Id], Token);

        var read = await Storage.DemandLimits.GetAsync(created.Id, Token);
        Assert.Equal(created, read);
        Assert.Equal((DemandLimitTargetKind.Feeder, "F-7", Parameters, "operator-1", T0.AddTicks(1_234_560), T0.AddHours(18), 2),
            (read!.TargetKind, read.Target, read.Parameters, read.Actor, read.RequestedAt, read.NotBefore, read.MemberCount));
        var members = await Storage.DemandLimits.GetMembersAsync(created.Id, Token);
        Assert.Equal([a.Id, b.Id], members.Select(m => m.Meter));
        Assert.All(members, m => Assert.Equal((null, null, null, null), (m.Command, m.State, m.Result, m.Rejection)));
        Assert.Equal([new DemandLimitPendingMember(created.Id, a.Id), new DemandLimitPendingMember(created.Id, b.Id)], await Storage.DemandLimits.GetPendingAsync(10, Token));
        Assert.Null(await Storage.DemandLimits.GetAsync(new DemandLimitId(created.Id.Value + 1), Token));
    }

    [Fact]
    public async Task SetCommandAndRejected_MembersLeavePendingAndShowTheirCommandsState()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var c = await AddMeterAsync(3);
        var limit = await Storage.DemandLimits.CreateAsync(Draft(), [a.Id, b.Id, c.Id], Token);
        var command = await Storage.Commands.CreateAsync(new CommandRequest(a.Id, CommandKind.LoadLimit, Parameters, "operator-1", T0, null, T0.AddMinutes(10), "demand-limit-1-1"), Token);

        await Storage.DemandLimits.SetCommandAsync(new DemandLimitPendingMember(limit.Id, a.Id), command.Id, Token);
        await Storage.DemandLimits.SetRejectedAsync(new DemandLimitPendingMember(limit.Id, b.Id), "Meter MTL2 has no endpoint.", Token);
        await Storage.Commands.TransitionAsync(command.Id, CommandState.Requested, CommandState.Failed, T0.AddMinutes(1), """{"error":"x"}""", Token);

        var members = await Storage.DemandLimits.GetMembersAsync(limit.Id, Token);
        Assert.Equal(new DemandLimitMember(a.Id, command.Id, CommandState.Failed, """{"error":"x"}""", null), members[0]);
        Assert.Equal(new DemandLimitMember(b.Id, null, null, null, "Meter MTL2 has no endpoint."), members[1]);
        Assert.Equal([new DemandLimitPendingMember(limit.Id, c.Id)], await Storage.DemandLimits.GetPendingAsync(10, Token));
    }

    [Fact]
    public async Task GetPendingAsync_Limit_OldestLimitFirstAtMostThatMany()
    {
        var meters = new List<MeterId>();
        for (var i = 1; i <= 3; i++)
        {
            meters.Add((await AddMeterAsync(i)).Id);
        }

        var first = await Storage.DemandLimits.CreateAsync(Draft(), meters, Token);
        var second = await Storage.DemandLimits.CreateAsync(Draft(), meters, Token);

        var pending = await Storage.DemandLimits.GetPendingAsync(4, Token);

        Assert.Equal([first.Id, first.Id, first.Id, second.Id], pending.Select(p => p.Limit));
    }

    [Fact]
    public async Task CancelAsync_WaitingMembers_WithdrawnLimitMarkedSecondCancelChangesNothing()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var c = await AddMeterAsync(3);
        var limit = await Storage.DemandLimits.CreateAsync(Draft(), [a.Id, b.Id, c.Id], Token);
        var command = await Storage.Commands.CreateAsync(new CommandRequest(a.Id, CommandKind.LoadLimit, Parameters, "operator-1", T0, null, T0.AddMinutes(10), "demand-limit-1-1"), Token);
        await Storage.DemandLimits.SetCommandAsync(new DemandLimitPendingMember(limit.Id, a.Id), command.Id, Token);
        await Storage.DemandLimits.SetRejectedAsync(new DemandLimitPendingMember(limit.Id, b.Id), "no endpoint", Token);

        var withdrawn = await Storage.DemandLimits.CancelAsync(limit.Id, "operator-2", "storm over", T0.AddMinutes(3), Token);
        var again = await Storage.DemandLimits.CancelAsync(limit.Id, "operator-3", "again", T0.AddMinutes(4), Token);

        Assert.Equal(1, withdrawn);
        Assert.Null(again);
        Assert.Null(await Storage.DemandLimits.CancelAsync(new DemandLimitId(limit.Id.Value + 1), "operator-2", "none", T0, Token));
        var read = await Storage.DemandLimits.GetAsync(limit.Id, Token);
        Assert.Equal((T0.AddMinutes(3), "operator-2", "storm over"), (read!.CancelledAt, read.CancelledBy, read.CancelReason));
        var members = await Storage.DemandLimits.GetMembersAsync(limit.Id, Token);
        Assert.Equal((command.Id, null), (members[0].Command, members[0].Rejection));
        Assert.Equal("no endpoint", members[1].Rejection);
        Assert.True(members[2].IsWithdrawn);
        Assert.Empty(await Storage.DemandLimits.GetPendingAsync(10, Token));
    }

    [Fact]
    public async Task SetCommandAsync_MemberWithdrawn_FalseAndNothingChanged()
    {
        var a = await AddMeterAsync(1);
        var limit = await Storage.DemandLimits.CreateAsync(Draft(), [a.Id], Token);
        var command = await Storage.Commands.CreateAsync(new CommandRequest(a.Id, CommandKind.LoadLimit, Parameters, "operator-1", T0, null, T0.AddMinutes(10), "demand-limit-1-1"), Token);
        await Storage.DemandLimits.CancelAsync(limit.Id, "operator-2", "stop", T0, Token);

        var set = await Storage.DemandLimits.SetCommandAsync(new DemandLimitPendingMember(limit.Id, a.Id), command.Id, Token);

        Assert.False(set);
        Assert.True(Assert.Single(await Storage.DemandLimits.GetMembersAsync(limit.Id, Token)).IsWithdrawn);
    }

    [Fact]
    public async Task ListAsync_Paged_NewestFirstBeforeTheGivenId()
    {
        var a = await AddMeterAsync(1);
        var limits = new List<DemandLimit>();
        for (var i = 0; i < 3; i++)
        {
            limits.Add(await Storage.DemandLimits.CreateAsync(Draft(), [a.Id], Token));
        }

        var first = await Storage.DemandLimits.ListAsync(null, 2, Token);
        var rest = await Storage.DemandLimits.ListAsync(first[^1].Id, 2, Token);

        Assert.Equal([limits[2].Id, limits[1].Id], first.Select(l => l.Id));
        Assert.Equal(limits[0], Assert.Single(rest));
    }

    [Fact]
    public async Task CreateAsync_UnknownMeter_KeyNotFoundAndNothingStored()
    {
        var a = await AddMeterAsync(1);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.DemandLimits.CreateAsync(Draft(), [a.Id, new MeterId(999)], Token));

        Assert.Empty(await Storage.DemandLimits.GetPendingAsync(10, Token));
    }

    [Fact]
    public async Task Limiters_SetThenGet_LaterConfirmationReplacesEarlierDoesNot()
    {
        var meter = await AddMeterAsync(1);
        var command = await Storage.Commands.CreateAsync(new CommandRequest(meter.Id, CommandKind.LoadLimit, Parameters, "operator-1", T0, null, T0.AddMinutes(10), null), Token);
        var profile = new LimiterEmergencyProfile(3, new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.FromHours(5.5)), TimeSpan.FromHours(2));
        var first = new MeterLimiter(meter.Id, new LimiterReading(new LimiterSettings(5000, 2000, 60, 30, profile), "W", 5000, false), T0.AddMinutes(2), command.Id);
        var later = first with { Reading = first.Reading with { ActiveThreshold = 2000, EmergencyProfileActive = true }, ConfirmedAt = T0.AddMinutes(5) };

        Assert.Null(await Storage.Limiters.GetAsync(meter.Id, Token));
        await Storage.Limiters.SetAsync(first, Token);
        Assert.Equal(first, await Storage.Limiters.GetAsync(meter.Id, Token));
        await Storage.Limiters.SetAsync(later, Token);
        await Storage.Limiters.SetAsync(first, Token);

        Assert.Equal(later, await Storage.Limiters.GetAsync(meter.Id, Token));
    }
}
