using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>
/// Dual control of prepaid adjustments over a node's real stores with a fake clock: at or below the threshold an
/// adjustment applies at once; above it, it waits for a second admin — nothing posted, a retry answers the same
/// request, the requester's own approval refused and audited, another admin's approval posts it once; a rejection
/// posts nothing; an undecided request expires.
/// </summary>
public sealed class PrepaidAdjustmentApprovalTests(PrepaidNodeFixture fixture) : IClassFixture<PrepaidNodeFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 6, 0, 0, TimeSpan.Zero);

    private static readonly PrepaidOptions Options = new() { AdjustmentApprovalThreshold = 1_000m, AdjustmentApprovalLifetime = TimeSpan.FromHours(2) };

    [Fact]
    public async Task Adjust_AtTheThreshold_AppliedAtOnce()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options);
        await harness.OpenWithAsync(500m);

        var result = await harness.Service.AdjustAsync(harness.Consumer, -1_000m, "back-billing", "adj-" + harness.Consumer, "admin-1");

        Assert.Equal(AdjustmentOutcome.Applied, result.Outcome);
        Assert.Equal(-500m, (await harness.AccountAsync()).Balance);
        Assert.Empty(await harness.Store.ListAdjustmentRequestsAsync(null, harness.Consumer, 10));
    }

    [Fact]
    public async Task Adjust_AboveTheThreshold_WaitsUntilASecondAdminApprovesThenPostedOnce()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options);
        await harness.OpenWithAsync(500m);
        var key = "adj-" + harness.Consumer;

        var asked = await harness.Service.AdjustAsync(harness.Consumer, 1_000.01m, "meter replaced, refund", key, "admin-1");
        var retried = await harness.Service.AdjustAsync(harness.Consumer, 1_000.01m, "meter replaced, refund", key, "admin-1");
        var reused = await harness.Service.AdjustAsync(harness.Consumer, 2_000m, "other", key, "admin-1");

        Assert.Equal(AdjustmentOutcome.AwaitingApproval, asked.Outcome);
        Assert.Equal((AdjustmentOutcome.AwaitingApproval, asked.Request!.Id), (retried.Outcome, retried.Request!.Id));
        Assert.Equal(AdjustmentOutcome.KeyReused, reused.Outcome);
        Assert.Equal(500m, (await harness.AccountAsync()).Balance);
        Assert.Equal((AdjustmentRequestState.Pending, "admin-1", Start.AddHours(2)), (asked.Request.State, asked.Request.RequestedBy, asked.Request.ExpiresAt));

        var own = await harness.Service.ApproveAdjustmentAsync(asked.Request.Id, "admin-1");
        Assert.Equal(AdjustmentDecisionOutcome.OwnRequest, own.Outcome);
        Assert.Equal(500m, (await harness.AccountAsync()).Balance);

        harness.Time.Advance(TimeSpan.FromMinutes(30));
        var approved = await harness.Service.ApproveAdjustmentAsync(asked.Request.Id, "admin-2");
        var again = await harness.Service.ApproveAdjustmentAsync(asked.Request.Id, "admin-3");

        Assert.Equal(AdjustmentDecisionOutcome.Applied, approved.Outcome);
        Assert.Equal((LedgerEntryKind.Adjustment, 1_000.01m, "meter replaced, refund", "admin-2", key), (approved.Entry!.Kind, approved.Entry.Amount, approved.Entry.Reference, approved.Entry.Actor, approved.Entry.IdempotencyKey));
        Assert.Equal((AdjustmentRequestState.Applied, "admin-2", Start.AddMinutes(30), approved.Entry.Sequence),
            (approved.Request!.State, approved.Request.DecidedBy, approved.Request.DecidedAt, approved.Request.LedgerSequence));
        Assert.Equal(AdjustmentDecisionOutcome.NotPending, again.Outcome);
        Assert.Equal(1_500.01m, (await harness.AccountAsync()).Balance);
        Assert.Equal(AdjustmentOutcome.Duplicate, (await harness.Service.AdjustAsync(harness.Consumer, 1_000.01m, "meter replaced, refund", key, "admin-1")).Outcome);
        var audit = await harness.AuditActionsAsync();
        Assert.Equal(
            [PrepaidAuditActions.AdjustmentRequested, PrepaidAuditActions.AdjustmentSelfApprovalRefused, PrepaidAuditActions.AdjustmentApproved, PrepaidAuditActions.Adjustment],
            audit.Where(a => a.StartsWith(PrepaidAuditActions.Adjustment, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reject_PendingRequest_NothingPostedAndNotApprovableAfter()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options);
        await harness.OpenWithAsync(500m);
        var asked = await harness.Service.AdjustAsync(harness.Consumer, -5_000m, "back-billing", "adj-" + harness.Consumer, "admin-1");

        var rejected = await harness.Service.RejectAdjustmentAsync(asked.Request!.Id, "admin-2");
        var approved = await harness.Service.ApproveAdjustmentAsync(asked.Request.Id, "admin-3");

        Assert.Equal((AdjustmentDecisionOutcome.Rejected, AdjustmentRequestState.Rejected, "admin-2"), (rejected.Outcome, rejected.Request!.State, rejected.Request.DecidedBy));
        Assert.Equal(AdjustmentDecisionOutcome.NotPending, approved.Outcome);
        Assert.Equal(500m, (await harness.AccountAsync()).Balance);
        Assert.Contains(PrepaidAuditActions.AdjustmentRejected, await harness.AuditActionsAsync());
    }

    [Fact]
    public async Task Approve_AfterTheLifetime_ExpiredAuditedAndNothingPosted()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options);
        await harness.OpenWithAsync(500m);
        var asked = await harness.Service.AdjustAsync(harness.Consumer, 1_500m, "goodwill", "adj-" + harness.Consumer, "admin-1");
        var other = await harness.Service.AdjustAsync(harness.Consumer, 1_600m, "goodwill 2", "adj-2-" + harness.Consumer, "admin-1");

        harness.Time.Advance(TimeSpan.FromHours(2));
        var approved = await harness.Service.ApproveAdjustmentAsync(asked.Request!.Id, "admin-2");
        var listed = await harness.Service.ListAdjustmentRequestsAsync(null, harness.Consumer, 10);

        Assert.Equal(AdjustmentDecisionOutcome.NotPending, approved.Outcome);
        Assert.Equal((AdjustmentRequestState.Expired, AdjustmentRequest.ExpiryActor), (approved.Request!.State, approved.Request.DecidedBy));
        Assert.All(listed, r => Assert.Equal(AdjustmentRequestState.Expired, r.State));
        Assert.Equal([other.Request!.Id, asked.Request.Id], listed.Select(r => r.Id));
        Assert.Equal(500m, (await harness.AccountAsync()).Balance);
        Assert.Equal(2, (await harness.AuditActionsAsync()).Count(a => a == PrepaidAuditActions.AdjustmentExpired));
    }
    [Fact]
    public async Task ExpirySweep_UndecidedRequestPastItsLifetime_ExpiredAndAuditedWithoutBeingListed()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options with { AdjustmentExpirySweep = TimeSpan.FromMinutes(1) });
        await harness.OpenWithAsync(500m);
        var asked = await harness.Service.AdjustAsync(harness.Consumer, 1_500m, "goodwill", "adj-" + harness.Consumer, "admin-1");
        using var stop = new CancellationTokenSource();
        var sweeping = harness.Service.RunAdjustmentExpiryAsync(stop.Token);

        // Just before its expiry a sweep leaves it pending; the first sweep after it marks it Expired.
        await WaitForSweepsAsync(harness, 1);
        harness.Time.Advance(TimeSpan.FromMinutes(119));
        await WaitForSweepsAsync(harness, 2);
        Assert.Equal(AdjustmentRequestState.Pending, (await harness.Store.GetAdjustmentRequestAsync(asked.Request!.Id))!.State);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await harness.Store.GetAdjustmentRequestAsync(asked.Request.Id))!.State == AdjustmentRequestState.Pending && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await sweeping.WaitAsync(TimeSpan.FromSeconds(30));
        var after = await harness.Store.GetAdjustmentRequestAsync(asked.Request.Id);
        Assert.Equal((AdjustmentRequestState.Expired, AdjustmentRequest.ExpiryActor, Start.AddHours(2)), (after!.State, after.DecidedBy, after.DecidedAt));
        Assert.Equal(1, (await harness.AuditActionsAsync()).Count(a => a == PrepaidAuditActions.AdjustmentExpired));
        Assert.True(harness.Service.Metrics.ExpiredAdjustments >= 1);
        Assert.Equal(500m, (await harness.AccountAsync()).Balance);
    }

    [Fact]
    public async Task ExpireOverdue_MarksAtMostTheLimitOldestFirst()
    {
        using var harness = new PrepaidHarness(fixture.Node, Start, Options);
        await harness.OpenWithAsync(500m);
        var requests = new List<AdjustmentRequestId>();
        for (var i = 0; i < 3; i++)
        {
            var asked = await harness.Service.AdjustAsync(harness.Consumer, 1_500m + i, "goodwill", $"adj-{i}-{harness.Consumer}", "admin-1");
            requests.Add(asked.Request!.Id);
        }

        harness.Time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(requests, (await harness.Store.ListOverdueAdjustmentRequestsAsync(harness.Time.GetUtcNow(), 1_000)).Select(r => r.Id));
        var first = await harness.Service.ExpireOverdueAdjustmentRequestsAsync(2);
        var states = new List<AdjustmentRequestState>();
        foreach (var id in requests)
        {
            states.Add((await harness.Store.GetAdjustmentRequestAsync(id))!.State);
        }

        var rest = await harness.Service.ExpireOverdueAdjustmentRequestsAsync(1_000);

        Assert.Equal(2, first);
        Assert.Equal(1, rest);
        Assert.Equal([AdjustmentRequestState.Expired, AdjustmentRequestState.Expired, AdjustmentRequestState.Pending], states);
        Assert.Empty(await harness.Store.ListOverdueAdjustmentRequestsAsync(harness.Time.GetUtcNow(), 1_000));
    }

    /// <summary>Waits (bounded) until the sweep loop has finished <paramref name="sweeps"/> sweeps.</summary>
    private static async Task WaitForSweepsAsync(PrepaidHarness harness, int sweeps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (harness.Service.Metrics.AdjustmentExpirySweeps < sweeps && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(harness.Service.Metrics.AdjustmentExpirySweeps >= sweeps, $"{harness.Service.Metrics.AdjustmentExpirySweeps} of {sweeps} sweeps ran");
    }
}
