using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Storage.Tests.Ports;

/// <summary>
/// Bulk requests and the second operator's approval: the store, and <see cref="CommandApprovalService"/> over the real
/// stores (commands, meters, the audit log) of each engine.
/// </summary>
public abstract class CommandApprovalTests : StorageTestBase
{
    private const int Threshold = 3;

    private readonly FakeTimeProvider _time = new(T0);

    [Fact]
    public async Task Store_CreateGetListDecide_FieldsRoundTripNewestFirstCompareAndSet()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var first = await Storage.Approvals.CreateAsync(new CommandApprovalDraft(CommandKind.Disconnect, [b.Id, a.Id, b.Id], "alice", T0, T0.AddHours(1), "arrears"), Token);
        var second = await Storage.Approvals.CreateAsync(new CommandApprovalDraft(CommandKind.Connect, [a.Id], "carol", T0.AddMinutes(1), T0.AddHours(2), null), Token);

        var read = await Storage.Approvals.GetAsync(first.Id, Token);
        Assert.Equal((CommandKind.Disconnect, "alice", T0, T0.AddHours(1), ApprovalState.Pending, "arrears", (string?)null, (DateTimeOffset?)null, 0, 0),
            (read!.Kind, read.RequestedBy, read.RequestedAt, read.ExpiresAt, read.State, read.Note, read.DecidedBy, read.DecidedAt, read.Created, read.Refused));
        Assert.Equal([a.Id, b.Id], read.Meters);
        Assert.Equal([second.Id, first.Id], (await Storage.Approvals.ListAsync(null, null, 10, Token)).Select(x => x.Id));
        Assert.Equal([first.Id], (await Storage.Approvals.ListAsync(null, second.Id, 10, Token)).Select(x => x.Id));

        Assert.True(await Storage.Approvals.DecideAsync(first.Id, ApprovalState.Pending, ApprovalState.Rejected, "bob", T0.AddMinutes(5), "not today", Token));
        Assert.False(await Storage.Approvals.DecideAsync(first.Id, ApprovalState.Pending, ApprovalState.Approved, "dave", T0.AddMinutes(6), null, Token));
        var decided = await Storage.Approvals.GetAsync(first.Id, Token);
        Assert.Equal((ApprovalState.Rejected, "bob", T0.AddMinutes(5), "not today"), (decided!.State, decided.DecidedBy, decided.DecidedAt, decided.DecisionNote));
        Assert.Equal([second.Id], (await Storage.Approvals.ListAsync(ApprovalState.Pending, null, 10, Token)).Select(x => x.Id));
        Assert.False(await Storage.Approvals.CompleteAsync(second.Id, 1, 0, Token));
        Assert.Null(await Storage.Approvals.GetAsync(new ApprovalId(second.Id.Value + 1), Token));
    }

    [Fact]
    public async Task RequestAsync_DisconnectAboveThreshold_PendingNoCommandAudited()
    {
        var (service, audit) = await ServiceAsync();
        var meters = await AddReachableAsync(Threshold + 1);

        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, meters, "alice", "arrears round"), Token);

        Assert.True(outcome.WaitsForApproval);
        Assert.Empty(outcome.Commands);
        Assert.Equal(ApprovalState.Pending, outcome.Approval!.State);
        Assert.Equal(T0 + service.Options.Lifetime, outcome.Approval.ExpiresAt);
        Assert.Empty(await Storage.Commands.ListAsync(null, null, null, 100, Token));
        Assert.Contains(await AuditAsync(), r => r is { Action: ApprovalAuditActions.Requested, Actor: "alice" });
        audit.Dispose();
    }

    [Fact]
    public async Task RequestAsync_DisconnectAtThresholdOrConnectAboveIt_CommandsCreatedAtOnce()
    {
        var (service, audit) = await ServiceAsync();
        var meters = await AddReachableAsync(Threshold + 2);

        var disconnect = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, meters.Take(Threshold).ToList(), "alice"), Token);
        var connect = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Connect, meters, "alice"), Token);

        Assert.Equal((false, Threshold), (disconnect.WaitsForApproval, disconnect.Commands.Count));
        Assert.Null(disconnect.Approval);
        Assert.Equal((false, Threshold + 2), (connect.WaitsForApproval, connect.Commands.Count));
        Assert.Equal(2 * Threshold + 2, (await Storage.Commands.ListAsync(null, CommandState.Requested, null, 100, Token)).Count);
        audit.Dispose();
    }

    [Fact]
    public async Task ApproveAsync_ByTheRequester_RefusedAuditedStillPendingNoCommand()
    {
        var (service, audit) = await ServiceAsync();
        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, await AddReachableAsync(Threshold + 1), "alice"), Token);

        var refused = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.ApproveAsync(outcome.Approval!.Id, "alice", null, Token));
        var rejectOwn = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.RejectAsync(outcome.Approval!.Id, "alice", null, Token));

        Assert.Equal((ApprovalRejection.SelfDecision, ApprovalRejection.SelfDecision), (refused.Reason, rejectOwn.Reason));
        Assert.Equal(ApprovalState.Pending, (await Storage.Approvals.GetAsync(outcome.Approval!.Id, Token))!.State);
        Assert.Empty(await Storage.Commands.ListAsync(null, null, null, 100, Token));
        Assert.Equal(2, (await AuditAsync()).Count(r => r is { Action: ApprovalAuditActions.SelfDecisionRefused, Actor: "alice" }));
        audit.Dispose();
    }

    [Fact]
    public async Task ApproveAsync_BySecondOperator_OneKeyedCommandPerMeterCompletedAndNotTwice()
    {
        var (service, audit) = await ServiceAsync();
        var meters = await AddReachableAsync(Threshold + 2);
        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, meters, "alice"), Token);
        var woken = 0;
        service.CommandsCreated = () => woken++;

        var done = await service.ApproveAsync(outcome.Approval!.Id, "bob", "checked", Token);
        var again = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.ApproveAsync(outcome.Approval.Id, "carol", null, Token));

        Assert.Equal((ApprovalState.Completed, "bob", Threshold + 2, 0), (done.State, done.DecidedBy, done.Created, done.Refused));
        Assert.Equal(ApprovalRejection.NotPending, again.Reason);
        Assert.Equal(1, woken);
        var commands = await Storage.Commands.ListAsync(null, null, null, 100, Token);
        Assert.Equal(meters.Order(), commands.Select(c => c.Meter).Order());
        Assert.All(commands, c => Assert.Equal((CommandKind.Disconnect, "alice", $"approval-{done.Id.Value}-{c.Meter.Value}"), (c.Kind, c.RequestedBy, c.IdempotencyKey)));
        var actions = (await AuditAsync()).Select(r => r.Action).ToList();
        Assert.Equal(1, actions.Count(a => a == ApprovalAuditActions.Approved));
        Assert.Equal(Threshold + 2, actions.Count(a => a == CommandAuditActions.For(CommandKind.Disconnect, CommandAuditActions.Requested)));
        Assert.Equal(1, actions.Count(a => a == ApprovalAuditActions.Completed));
        audit.Dispose();
    }

    [Fact]
    public async Task RejectAsync_BySecondOperator_RejectedNoCommand()
    {
        var (service, audit) = await ServiceAsync();
        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, await AddReachableAsync(Threshold + 1), "alice"), Token);

        var rejected = await service.RejectAsync(outcome.Approval!.Id, "bob", "wrong feeder", Token);

        Assert.Equal((ApprovalState.Rejected, "bob", "wrong feeder"), (rejected.State, rejected.DecidedBy, rejected.DecisionNote));
        Assert.Empty(await Storage.Commands.ListAsync(null, null, null, 100, Token));
        Assert.Contains(await AuditAsync(), r => r is { Action: ApprovalAuditActions.Rejected, Actor: "bob" });
        await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.ApproveAsync(outcome.Approval.Id, "carol", null, Token));
        audit.Dispose();
    }

    [Fact]
    public async Task SweepAsync_PastItsLifetime_ExpiredAuditedAndNoLongerApprovable()
    {
        var (service, audit) = await ServiceAsync();
        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, await AddReachableAsync(Threshold + 1), "alice"), Token);

        Assert.Equal(0, await service.SweepAsync(Token));
        _time.Advance(service.Options.Lifetime);
        var late = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.ApproveAsync(outcome.Approval!.Id, "bob", null, Token));
        Assert.Equal(1, await service.SweepAsync(Token));

        Assert.Equal(ApprovalRejection.NotPending, late.Reason);
        var expired = await Storage.Approvals.GetAsync(outcome.Approval!.Id, Token);
        Assert.Equal((ApprovalState.Expired, CommandApprovalService.ExpiryActor), (expired!.State, expired.DecidedBy));
        Assert.Empty(await Storage.Commands.ListAsync(null, null, null, 100, Token));
        Assert.Contains(await AuditAsync(), r => r.Action == ApprovalAuditActions.Expired);
        audit.Dispose();
    }

    [Fact]
    public async Task SweepAsync_ApprovedButInterrupted_FinishesWithoutAskingAMeterTwice()
    {
        var (service, audit) = await ServiceAsync();
        var meters = await AddReachableAsync(Threshold + 1);
        var outcome = await service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, meters, "alice"), Token);
        var id = outcome.Approval!.Id;

        // A node that approved, created the first meter's command and stopped (a crash) before the rest.
        Assert.True(await Storage.Approvals.DecideAsync(id, ApprovalState.Pending, ApprovalState.Approved, "bob", T0, null, Token));
        await new CommandService(Storage.Commands, Storage.Meters, audit, _time).RequestAsync(new CommandSubmission(meters[0], new DisconnectParameters(), "alice", null, $"approval-{id.Value}-{meters[0].Value}"), Token);
        Assert.Equal(1, await service.SweepAsync(Token));

        Assert.Equal(ApprovalState.Completed, (await Storage.Approvals.GetAsync(id, Token))!.State);
        Assert.Equal(meters.Order(), (await Storage.Commands.ListAsync(null, null, null, 100, Token)).Select(c => c.Meter).Order());
        audit.Dispose();
    }

    [Fact]
    public async Task RequestAsync_UnknownMeterOrWrongKindOrNoMeters_RefusedNothingStored()
    {
        var (service, audit) = await ServiceAsync();
        var meters = await AddReachableAsync(1);

        var unknown = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, [meters[0], new MeterId(9_999)], "alice"), Token));
        var read = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.RequestAsync(new BulkCommandSubmission(CommandKind.Read, meters, "alice"), Token));
        var none = await Assert.ThrowsAsync<ApprovalRejectedException>(() => service.RequestAsync(new BulkCommandSubmission(CommandKind.Disconnect, [], "alice"), Token));

        Assert.Equal((ApprovalRejection.UnknownMeter, ApprovalRejection.InvalidRequest, ApprovalRejection.InvalidRequest), (unknown.Reason, read.Reason, none.Reason));
        Assert.Empty(await Storage.Approvals.ListAsync(null, null, 10, Token));
        Assert.Empty(await AuditAsync());
        audit.Dispose();
    }

    private async Task<(CommandApprovalService Service, AuditLog Audit)> ServiceAsync()
    {
        var audit = await AuditLog.OpenAsync(Storage.Audit, _time, Token);
        var commands = new CommandService(Storage.Commands, Storage.Meters, audit, _time);
        return (new CommandApprovalService(Storage.Approvals, Storage.Meters, commands, audit, _time, new ApprovalOptions { Threshold = Threshold }), audit);
    }

    private async Task<List<MeterId>> AddReachableAsync(int count)
    {
        var meters = new List<MeterId>();
        for (var n = 1; n <= count; n++)
        {
            meters.Add((await Storage.Meters.AddAsync(Registration(n) with { Endpoint = new MeterEndpoint($"dlms+tcp://10.0.0.{n}:4059?wport=1") }, Token)).Id);
        }

        return meters;
    }

    private async Task<List<AuditRecord>> AuditAsync() => await ToListAsync(Storage.Audit.ReadAsync(0, Token));
}
