using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Prepaid;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>
/// Prepaid accounts and ledgers: the balance moves with each entry in one transaction and always equals the sum of
/// the ledger; a top-up key is applied once; a deduction against a stale running charge is refused; the ledger pages
/// newest first. Run against each engine.
/// </summary>
public abstract class PrepaidStoreTests : StorageTestBase
{
    private static readonly BillingMonth March = new(2026, 3);

    private IPrepaidStore Prepaid => Storage.Prepaid;

    [Fact]
    public async Task AdjustmentRequests_CreatedFoundAndDecidedOnce_ListedNewestFirstByState()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        var draft = new AdjustmentRequestDraft("C-1", -2_500.50m, "tamper back-billing", "adj-1", "admin-1", T0, T0.AddHours(24));

        var first = await Prepaid.CreateAdjustmentRequestAsync(draft, Token);
        var sameKey = await Prepaid.CreateAdjustmentRequestAsync(draft with { Amount = 10m }, Token);
        var second = await Prepaid.CreateAdjustmentRequestAsync(draft with { IdempotencyKey = "adj-2", Amount = 5_000m }, Token);

        Assert.NotNull(first);
        Assert.Null(sameKey);
        Assert.Equal(new AdjustmentRequest(first.Id, "C-1", -2_500.50m, "tamper back-billing", "adj-1", "admin-1", T0, T0.AddHours(24), AdjustmentRequestState.Pending, null, null, null), first);
        Assert.Equal(first, await Prepaid.GetAdjustmentRequestAsync(first.Id, Token));
        Assert.Equal(first, await Prepaid.FindAdjustmentRequestAsync("C-1", "adj-1", Token));
        Assert.Null(await Prepaid.FindAdjustmentRequestAsync("C-2", "adj-1", Token));

        Assert.True(await Prepaid.DecideAdjustmentRequestAsync(first.Id, AdjustmentRequestState.Applied, "admin-2", T0.AddHours(1), 7, Token));
        Assert.False(await Prepaid.DecideAdjustmentRequestAsync(first.Id, AdjustmentRequestState.Rejected, "admin-3", T0.AddHours(2), null, Token));

        Assert.Equal(first with { State = AdjustmentRequestState.Applied, DecidedBy = "admin-2", DecidedAt = T0.AddHours(1), LedgerSequence = 7 },
            await Prepaid.GetAdjustmentRequestAsync(first.Id, Token));
        Assert.Equal([second!.Id, first.Id], (await Prepaid.ListAdjustmentRequestsAsync(null, "C-1", 10, Token)).Select(r => r.Id));
        Assert.Equal([second.Id], (await Prepaid.ListAdjustmentRequestsAsync(AdjustmentRequestState.Pending, null, 10, Token)).Select(r => r.Id));
        Assert.Empty(await Prepaid.ListAdjustmentRequestsAsync(null, "C-2", 10, Token));
    }

    [Fact]
    public async Task ListOverdueAdjustmentRequests_PendingAtOrPastExpiry_OldestFirstUpToTheLimit()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        var draft = new AdjustmentRequestDraft("C-1", 2_000m, "refund", "adj-1", "admin-1", T0, T0.AddHours(1));
        var dueFirst = await Prepaid.CreateAdjustmentRequestAsync(draft, Token);
        var dueLater = await Prepaid.CreateAdjustmentRequestAsync(draft with { IdempotencyKey = "adj-2", ExpiresAt = T0.AddHours(3) }, Token);
        var dueAtOnce = await Prepaid.CreateAdjustmentRequestAsync(draft with { IdempotencyKey = "adj-3", ExpiresAt = T0.AddHours(1) }, Token);
        var decided = await Prepaid.CreateAdjustmentRequestAsync(draft with { IdempotencyKey = "adj-4" }, Token);
        Assert.True(await Prepaid.DecideAdjustmentRequestAsync(decided!.Id, AdjustmentRequestState.Rejected, "admin-2", T0, null, Token));

        Assert.Empty(await Prepaid.ListOverdueAdjustmentRequestsAsync(T0.AddMinutes(59), 10, Token));
        Assert.Equal([dueFirst!.Id, dueAtOnce!.Id], (await Prepaid.ListOverdueAdjustmentRequestsAsync(T0.AddHours(1), 10, Token)).Select(r => r.Id));
        Assert.Equal([dueFirst.Id], (await Prepaid.ListOverdueAdjustmentRequestsAsync(T0.AddHours(5), 1, Token)).Select(r => r.Id));
        Assert.Equal([dueFirst.Id, dueLater!.Id, dueAtOnce.Id], (await Prepaid.ListOverdueAdjustmentRequestsAsync(T0.AddHours(5), 10, Token)).Select(r => r.Id));
    }

    [Fact]
    public async Task CreateAsync_Twice_OnceWithAZeroBalance()
    {
        Assert.True(await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token));
        Assert.False(await Prepaid.CreateAsync("C-1", "EUR", T0.AddDays(1), "operator-2", Token));

        var account = await Prepaid.GetAsync("C-1", Token);
        Assert.Equal(new PrepaidAccount("C-1", "INR", 0m, 0, false, PrepaidSupply.Connected, null, 0, null, null, T0, "operator-1"), account);
        Assert.Null(await Prepaid.GetAsync("C-2", Token));
    }

    [Fact]
    public async Task PostAsync_TopUpsAndDeductions_BalanceIsTheSumOfTheLedger()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);

        var topUp = await Prepaid.PostAsync("C-1", new LedgerPosting(LedgerEntryKind.TopUp, 500.00m, T0.AddHours(1), "cashier", "receipt 17", "key-1"), Token);
        var first = await Prepaid.PostAsync("C-1", Deduction(-123.45m, 123.45m, 0m, T0.AddHours(2)), Token);
        var second = await Prepaid.PostAsync("C-1", Deduction(-10.10m, 133.55m, 123.45m, T0.AddHours(3)), Token);
        var adjustment = await Prepaid.PostAsync("C-1", new LedgerPosting(LedgerEntryKind.Adjustment, -0.05m, T0.AddHours(4), "supervisor", "rounding"), Token);

        Assert.All([topUp, first, second, adjustment], r => Assert.Equal(LedgerPostOutcome.Posted, r.Outcome));
        var account = (await Prepaid.GetAsync("C-1", Token))!;
        Assert.Equal(366.40m, account.Balance);
        Assert.Equal(4, account.Entries);
        Assert.Equal((-10.10m, T0.AddHours(3)), (account.LastDeductionAmount!.Value, account.LastDeductionAt!.Value));
        var ledger = await Prepaid.ListLedgerAsync("C-1", null, 100, Token);
        Assert.Equal([4L, 3, 2, 1], ledger.Select(e => e.Sequence));
        Assert.Equal(account.Balance, ledger.Sum(e => e.Amount));
        Assert.Equal([366.40m, 366.45m, 376.55m, 500.00m], ledger.Select(e => e.BalanceAfter));
        Assert.Equal(133.55m, await Prepaid.GetMonthChargedAsync("C-1", March, Token));
        Assert.Equal(0m, await Prepaid.GetMonthChargedAsync("C-1", March.Next, Token));
        Assert.Equal(topUp.Entry, ledger[^1]);
    }

    [Fact]
    public async Task PostAsync_SameTopUpKeyAgain_DuplicateAndTheBalanceMovedOnce()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        var posting = new LedgerPosting(LedgerEntryKind.TopUp, 250.00m, T0, "cashier", "receipt 1", "key-1");

        var first = await Prepaid.PostAsync("C-1", posting, Token);
        var again = await Prepaid.PostAsync("C-1", posting with { At = T0.AddMinutes(1) }, Token);

        Assert.Equal(LedgerPostOutcome.Duplicate, again.Outcome);
        Assert.Equal(first.Entry, again.Entry);
        Assert.Equal(250.00m, (await Prepaid.GetAsync("C-1", Token))!.Balance);
        Assert.Equal(first.Entry, await Prepaid.FindByKeyAsync("C-1", "key-1", Token));
        Assert.Null(await Prepaid.FindByKeyAsync("C-1", "key-2", Token));
    }

    [Fact]
    public async Task PostAsync_DeductionAgainstAStaleRunningCharge_ConflictAndNothingChanged()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        await Prepaid.PostAsync("C-1", Deduction(-100m, 100m, 0m, T0), Token);

        var stale = await Prepaid.PostAsync("C-1", Deduction(-100m, 100m, 0m, T0.AddMinutes(1)), Token);

        Assert.Equal(LedgerPostOutcome.Conflict, stale.Outcome);
        Assert.Equal(-100m, (await Prepaid.GetAsync("C-1", Token))!.Balance);
        Assert.Single(await Prepaid.ListLedgerAsync("C-1", null, 10, Token));
    }

    [Fact]
    public async Task PostAsync_UnknownAccount_NothingWritten()
    {
        var result = await Prepaid.PostAsync("C-9", new LedgerPosting(LedgerEntryKind.TopUp, 1m, T0, "cashier", "r", "k"), Token);

        Assert.Equal(LedgerPostOutcome.UnknownAccount, result.Outcome);
        Assert.Empty(await Prepaid.ListLedgerAsync("C-9", null, 10, Token));
    }

    [Fact]
    public async Task PostAsync_MoreThanTwoDecimalPlaces_Refused()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Prepaid.PostAsync("C-1", new LedgerPosting(LedgerEntryKind.TopUp, 1.005m, T0, "cashier", "r", "k"), Token));
        Assert.Equal(0, (await Prepaid.GetAsync("C-1", Token))!.Entries);
    }

    [Fact]
    public async Task ListLedgerAsync_Paged_NewestFirstWithoutGapsOrRepeats()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        for (var i = 1; i <= 7; i++)
        {
            await Prepaid.PostAsync("C-1", new LedgerPosting(LedgerEntryKind.TopUp, i, T0.AddMinutes(i), "cashier", "r" + i, "k" + i), Token);
        }

        var first = await Prepaid.ListLedgerAsync("C-1", null, 3, Token);
        var second = await Prepaid.ListLedgerAsync("C-1", first[^1].Sequence, 3, Token);
        var third = await Prepaid.ListLedgerAsync("C-1", second[^1].Sequence, 3, Token);

        Assert.Equal([7L, 6, 5, 4, 3, 2, 1], first.Concat(second).Concat(third).Select(e => e.Sequence));
    }

    [Fact]
    public async Task SetSupplyAsync_ThenGet_StateRoundTripsAndASecondHandleSeesIt()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        var due = new DateTimeOffset(2026, 3, 16, 4, 30, 0, TimeSpan.Zero);

        Assert.True(await Prepaid.SetSupplyAsync("C-1", new SupplyChange(true, PrepaidSupply.DisconnectPending, due, 2), Token));
        Assert.False(await Prepaid.SetSupplyAsync("C-9", new SupplyChange(true, PrepaidSupply.Disconnected, null, 1), Token));

        await using var other = await OpenAnotherAsync();
        var account = (await other.Prepaid.GetAsync("C-1", Token))!;
        Assert.Equal((true, PrepaidSupply.DisconnectPending, due, 2L), (account.LowBalance, account.Supply, account.DisconnectDueAt!.Value, account.Episode));
        var listed = await other.Prepaid.ListAsync(null, 10, Token);
        Assert.Equal(account, Assert.Single(listed));
        Assert.Empty(await other.Prepaid.ListAsync("C-1", 10, Token));
    }

    [Fact]
    public async Task PostAsync_ConcurrentDeductionsFromTwoHandles_OnlyOneAppliedPerRunningCharge()
    {
        await Prepaid.CreateAsync("C-1", "INR", T0, "operator-1", Token);
        await using var other = await OpenAnotherAsync();

        var results = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Prepaid : other.Prepaid).PostAsync("C-1", Deduction(-42.00m, 42.00m, 0m, T0.AddSeconds(i)), Token)));

        Assert.Single(results, r => r.Outcome == LedgerPostOutcome.Posted);
        Assert.Equal(-42.00m, (await Prepaid.GetAsync("C-1", Token))!.Balance);
    }

    private static LedgerPosting Deduction(decimal amount, decimal monthCharged, decimal expected, DateTimeOffset at) =>
        new(LedgerEntryKind.Deduction, amount, at, "prepaid", "consumption 2026-03", Month: March.ToString(), MonthCharged: monthCharged, ExpectedMonthCharged: expected);
}
