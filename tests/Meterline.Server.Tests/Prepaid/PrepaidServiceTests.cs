using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Server.Tests.Prepaid;

/// <summary>
/// The prepaid service over a node's real stores with a fake clock: the month's deductions equal its bill, the
/// low-balance warning fires once per crossing, a disconnect waits for the allowed hours (not at night, not on a
/// holiday or a weekend) and is issued at 10:00 of the next allowed day exactly once, a top-up cancels a pending
/// disconnect, and a top-up after a disconnect reconnects at any hour.
/// </summary>
public sealed class PrepaidServiceTests(PrepaidNodeFixture fixture) : IClassFixture<PrepaidNodeFixture>
{
    private static readonly TimeSpan Ist = PrepaidHarness.Ist;
    private static readonly BillingMonth March = new(2026, 3);

    // 2026-03-13 is a Friday; Monday 2026-03-16 is a holiday here.
    private static readonly PrepaidOptions Options = new()
    {
        LowBalanceThreshold = 100m,
        Window = DisconnectWindow.Default with { Holidays = new HashSet<DateOnly> { new(2026, 3, 16) } },
    };

    [Fact]
    public async Task Settle_ASyntheticMonthDayByDay_DeductionsAddUpToTheBillOfTheMonth()
    {
        var (start, end) = March.Bounds(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        using var harness = new PrepaidHarness(fixture.Node, start);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(10_000m);

        // 31 days of 320 Wh an hour and 450 Wh at peak: about 250 kWh, over both slab boundaries mid-month.
        var charges = new List<decimal>();
        for (var day = 0; day < March.Days; day++)
        {
            await harness.StoreHourlyAsync(meter, start.AddDays(day), start.AddDays(day + 1), 320, 450);
            harness.Time.SetUtcNow(start.AddDays(day + 1).AddMinutes(5));
            Assert.True(await harness.Service.SettleAsync(harness.Consumer, [start.AddDays(day + 1)]));
            charges.Add(await harness.Store.GetMonthChargedAsync(harness.Consumer, March));
        }

        harness.Time.SetUtcNow(end.AddDays(1));
        await harness.Service.FullPassAsync();
        var bill = await fixture.Node.Node.Billing.IssueAsync(meter.Id, March, reissue: false, "test");

        Assert.Equal(BillIssueOutcome.Issued, bill.Outcome);
        Assert.False(bill.Bill!.Estimated);
        Assert.True(bill.Bill.ConsumptionKwh > 200m, $"{bill.Bill.ConsumptionKwh} kWh");
        Assert.Contains(bill.Bill.Lines, l => l.Kind == BillLineKind.TimeOfUse);
        Assert.Equal(bill.Bill.Total, charges[^1]);
        Assert.Equal(bill.Bill.Total, await harness.Store.GetMonthChargedAsync(harness.Consumer, March));
        var account = await harness.AccountAsync();
        Assert.Equal(10_000m - bill.Bill.Total, account.Balance);
        var ledger = await harness.Store.ListLedgerAsync(harness.Consumer, null, 1000);
        Assert.Equal(bill.Bill.Total, -ledger.Where(e => e.Kind == LedgerEntryKind.Deduction).Sum(e => e.Amount));
        Assert.Equal(March.Days, ledger.Count(e => e.Kind == LedgerEntryKind.Deduction));
        Assert.Equal(account.Balance, ledger.Sum(e => e.Amount));

        // A day in the second slab costs more than one in the first: the boundary is crossed mid-month.
        var daily = charges.Zip(charges.Skip(1), (a, b) => b - a).ToList();
        Assert.True(daily[2] < daily[20] && daily[20] < daily[29], string.Join(' ', daily));
    }

    [Fact]
    public async Task Settle_ConsumerWithThreeMeters_GroupedReadsChargeTheSumOfTheMetersBills()
    {
        var (start, end) = March.Bounds(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        using var harness = new PrepaidHarness(fixture.Node, start);
        List<HeadEnd.Meters.Meter> meters = [await harness.AddMeterAsync(), await harness.AddMeterAsync(), await harness.AddMeterAsync()];
        await harness.OpenWithAsync(10_000m);
        for (var i = 0; i < meters.Count; i++)
        {
            await harness.StoreHourlyAsync(meters[i], start, end, 150 + (100 * i), 300);
        }

        harness.Time.SetUtcNow(end.AddDays(2));
        Assert.True(await harness.Service.SettleAsync(harness.Consumer, [end.AddHours(-1)]));

        // March (ended: intervals and snapshots) and the month of now (intervals), each one read for the three meters.
        Assert.Equal(3, harness.Service.Metrics.GroupedReads);
        var total = 0m;
        foreach (var meter in meters)
        {
            var bill = await fixture.Node.Node.Billing.IssueAsync(meter.Id, March, reissue: false, "test");
            Assert.Equal(BillIssueOutcome.Issued, bill.Outcome);
            total += bill.Bill!.Total;
        }

        Assert.True(total > 0m);
        Assert.Equal(total, await harness.Store.GetMonthChargedAsync(harness.Consumer, March));
    }

    [Fact]
    public async Task Settle_BalanceFallsBelowTheWarningAndStaysThere_WarnedOnceUntilATopUpRaisesItAbove()
    {
        var start = new DateTimeOffset(2026, 3, 2, 11, 0, 0, Ist);
        using var harness = new PrepaidHarness(fixture.Node, start, Options);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(370m);

        // The fixed charge (50.00) and about 12 kWh a day.
        for (var day = 0; day < 6; day++)
        {
            await harness.StoreHourlyAsync(meter, start.AddDays(day), start.AddDays(day + 1), 500);
            harness.Time.SetUtcNow(start.AddDays(day + 1));
            await harness.Service.SettleAsync(harness.Consumer, [start.AddDays(day + 1)]);
        }

        var account = await harness.AccountAsync();
        Assert.True(account.Balance is <= 100m and > 0m, $"balance {account.Balance}");
        Assert.True(account.LowBalance);
        var alert = Assert.Single(await harness.LowBalanceAlertsAsync(meter));
        Assert.Equal(PrepaidAlerts.Category, alert.Category);
        Assert.Single(await harness.AuditActionsAsync(), a => a == PrepaidAuditActions.LowBalance);

        // Topped up above the threshold, then down through it again: a second warning.
        await harness.Service.TopUpAsync(harness.Consumer, 100m, "second-" + harness.Consumer, null, "cashier");
        Assert.False((await harness.AccountAsync()).LowBalance);
        for (var day = 6; day < 9; day++)
        {
            await harness.StoreHourlyAsync(meter, start.AddDays(day), start.AddDays(day + 1), 500);
            harness.Time.SetUtcNow(start.AddDays(day + 1));
            await harness.Service.SettleAsync(harness.Consumer, [start.AddDays(day + 1)]);
        }

        Assert.Equal(2, (await harness.LowBalanceAlertsAsync(meter)).Count);
        Assert.Equal(2, (await harness.AuditActionsAsync()).Count(a => a == PrepaidAuditActions.LowBalance));
    }

    [Fact]
    public async Task Disconnect_CreditRunsOutOnFridayNight_WaitsOverTheWeekendAndTheHolidayAndIsIssuedOnceAtTenOnTuesday()
    {
        var friday = new DateTimeOffset(2026, 3, 13, 22, 0, 0, Ist);
        using var harness = new PrepaidHarness(fixture.Node, friday, Options);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(20m);

        // The month's first readings bring the fixed charge: the credit is gone at 23:00 on Friday.
        await harness.StoreHourlyAsync(meter, friday, friday.AddHours(1), 800);
        harness.Time.SetUtcNow(friday.AddHours(1));
        await harness.Service.SettleAsync(harness.Consumer, [friday.AddHours(1)]);

        var account = await harness.AccountAsync();
        var tuesdayTen = new DateTimeOffset(2026, 3, 17, 10, 0, 0, Ist);
        Assert.True(account.Balance <= 0m, $"balance {account.Balance}");
        Assert.Equal(PrepaidSupply.DisconnectPending, account.Supply);
        Assert.Equal(tuesdayTen, account.DisconnectDueAt);
        Assert.Empty(await harness.CommandsAsync(meter));

        // Saturday noon (weekend), Monday 11:00 (holiday), Tuesday 09:59: still waiting.
        foreach (var at in new[] { new DateTimeOffset(2026, 3, 14, 12, 0, 0, Ist), new DateTimeOffset(2026, 3, 16, 11, 0, 0, Ist), tuesdayTen.AddMinutes(-1) })
        {
            harness.Time.SetUtcNow(at);
            await harness.Service.FullPassAsync();
            Assert.Equal(PrepaidSupply.DisconnectPending, (await harness.AccountAsync()).Supply);
            Assert.Empty(await harness.CommandsAsync(meter));
        }

        harness.Time.SetUtcNow(tuesdayTen);
        await harness.Service.FullPassAsync();
        await harness.Service.FullPassAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Service.FullPassAsync();

        account = await harness.AccountAsync();
        Assert.Equal(PrepaidSupply.Disconnected, account.Supply);
        Assert.Equal(1, account.Episode);
        var command = Assert.Single(await harness.CommandsAsync(meter));
        Assert.Equal(CommandKind.Disconnect, command.Kind);
        Assert.Equal(tuesdayTen, command.RequestedAt);
        Assert.Equal($"prepaid:{harness.Consumer}:1:disconnect:{meter.Id.Value}", command.IdempotencyKey);
        var actions = await harness.AuditActionsAsync();
        Assert.Single(actions, a => a == PrepaidAuditActions.DisconnectPostponed);
        Assert.Single(actions, a => a == PrepaidAuditActions.DisconnectRequested);
    }

    [Fact]
    public async Task TopUp_WhileADisconnectIsPending_CancelsIt()
    {
        var night = new DateTimeOffset(2026, 3, 13, 22, 0, 0, Ist);
        using var harness = new PrepaidHarness(fixture.Node, night, Options);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(20m);
        await harness.StoreHourlyAsync(meter, night, night.AddHours(1), 800);
        harness.Time.SetUtcNow(night.AddHours(1));
        await harness.Service.SettleAsync(harness.Consumer, [night.AddHours(1)]);
        Assert.Equal(PrepaidSupply.DisconnectPending, (await harness.AccountAsync()).Supply);

        var topUp = await harness.Service.TopUpAsync(harness.Consumer, 500m, "evening-" + harness.Consumer, "counter 3", "cashier");

        Assert.Equal(TopUpOutcome.Applied, topUp.Outcome);
        Assert.Equal(PrepaidSupply.Connected, topUp.Account!.Supply);
        Assert.Null(topUp.Account.DisconnectDueAt);
        harness.Time.SetUtcNow(new DateTimeOffset(2026, 3, 17, 10, 0, 0, Ist));
        await harness.Service.FullPassAsync();
        Assert.Equal(PrepaidSupply.Connected, (await harness.AccountAsync()).Supply);
        Assert.Empty(await harness.CommandsAsync(meter));
        Assert.Contains(PrepaidAuditActions.DisconnectCancelled, await harness.AuditActionsAsync());
    }

    [Fact]
    public async Task Adjust_DebitBelowZeroInAllowedHours_AdjustmentEntryAuditedDisconnectedCreditReconnects()
    {
        // Tuesday 2026-03-17, 11:00: within the disconnect window.
        var tuesday = new DateTimeOffset(2026, 3, 17, 11, 0, 0, Ist);
        using var harness = new PrepaidHarness(fixture.Node, tuesday, Options);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(100m);

        var debit = await harness.Service.AdjustAsync(harness.Consumer, -150m, "meter bypass back-billing", "adj-1-" + harness.Consumer, "admin-1");
        var retried = await harness.Service.AdjustAsync(harness.Consumer, -150m, "meter bypass back-billing", "adj-1-" + harness.Consumer, "admin-1");
        var reused = await harness.Service.AdjustAsync(harness.Consumer, -10m, "other", "adj-1-" + harness.Consumer, "admin-1");

        Assert.Equal(AdjustmentOutcome.Applied, debit.Outcome);
        Assert.Equal((LedgerEntryKind.Adjustment, -150m, -50m, "meter bypass back-billing", "admin-1"), (debit.Entry!.Kind, debit.Entry.Amount, debit.Entry.BalanceAfter, debit.Entry.Reference, debit.Entry.Actor));
        Assert.Equal((-50m, PrepaidSupply.Disconnected), (debit.Account!.Balance, debit.Account.Supply));
        Assert.Equal((AdjustmentOutcome.Duplicate, debit.Entry.Sequence), (retried.Outcome, retried.Entry!.Sequence));
        Assert.Equal(AdjustmentOutcome.KeyReused, reused.Outcome);
        Assert.Equal(CommandKind.Disconnect, Assert.Single(await harness.CommandsAsync(meter)).Kind);
        Assert.Null((await harness.AccountAsync()).LastDeductionAt);

        var credit = await harness.Service.AdjustAsync(harness.Consumer, 80m, "goodwill credit", "adj-2-" + harness.Consumer, "admin-1");

        Assert.Equal((30m, PrepaidSupply.Connected), (credit.Account!.Balance, credit.Account.Supply));
        Assert.Equal([CommandKind.Connect, CommandKind.Disconnect], (await harness.CommandsAsync(meter)).OrderByDescending(c => c.Id.Value).Select(c => c.Kind));
        Assert.Equal(2, (await harness.AuditActionsAsync()).Count(a => a == PrepaidAuditActions.Adjustment));
    }

    [Theory]
    [InlineData(0, "reason", "key")]
    [InlineData(10.001, "reason", "key")]
    [InlineData(-2_000_000, "reason", "key")]
    [InlineData(10, null, "key")]
    [InlineData(10, " ", "key")]
    [InlineData(10, "reason", "")]
    public async Task Adjust_Malformed_InvalidNothingPostedOrAudited(double amount, string? reason, string key)
    {
        using var harness = new PrepaidHarness(fixture.Node, new DateTimeOffset(2026, 3, 17, 11, 0, 0, Ist), Options);
        await harness.OpenWithAsync(100m);

        var result = await harness.Service.AdjustAsync(harness.Consumer, (decimal)amount, reason, key, "admin-1");

        Assert.Equal(AdjustmentOutcome.Invalid, result.Outcome);
        Assert.Equal(1, (await harness.AccountAsync()).Entries);
        Assert.DoesNotContain(PrepaidAuditActions.Adjustment, await harness.AuditActionsAsync());
    }

    [Fact]
    public async Task TopUp_AfterADisconnect_ReconnectsAtNightOnceEvenWhenRetried()
    {
        var morning = new DateTimeOffset(2026, 3, 13, 11, 0, 0, Ist);
        using var harness = new PrepaidHarness(fixture.Node, morning, Options);
        var meter = await harness.AddMeterAsync();
        await harness.OpenWithAsync(20m);
        await harness.StoreHourlyAsync(meter, morning, morning.AddHours(1), 800);
        harness.Time.SetUtcNow(morning.AddHours(1));
        await harness.Service.SettleAsync(harness.Consumer, [morning.AddHours(1)]);
        Assert.Equal(PrepaidSupply.Disconnected, (await harness.AccountAsync()).Supply);

        harness.Time.SetUtcNow(new DateTimeOffset(2026, 3, 13, 23, 30, 0, Ist));
        var key = "night-" + harness.Consumer;
        var first = await harness.Service.TopUpAsync(harness.Consumer, 300m, key, "kiosk 9", "kiosk");
        var retried = await harness.Service.TopUpAsync(harness.Consumer, 300m, key, "kiosk 9", "kiosk");
        var otherAmount = await harness.Service.TopUpAsync(harness.Consumer, 301m, key, "kiosk 9", "kiosk");
        await harness.Service.FullPassAsync();

        Assert.Equal(TopUpOutcome.Applied, first.Outcome);
        Assert.Equal(TopUpOutcome.Duplicate, retried.Outcome);
        Assert.Equal(first.Entry, retried.Entry);
        Assert.Equal(TopUpOutcome.KeyReused, otherAmount.Outcome);
        var account = await harness.AccountAsync();
        Assert.Equal(PrepaidSupply.Connected, account.Supply);
        Assert.Equal(first.Account!.Balance, account.Balance);
        var commands = await harness.CommandsAsync(meter);
        Assert.Equal([CommandKind.Connect, CommandKind.Disconnect], commands.OrderByDescending(c => c.Id.Value).Select(c => c.Kind));
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 23, 30, 0, Ist), commands.Single(c => c.Kind == CommandKind.Connect).RequestedAt);
        // The opening credit and this top-up: the retry was not audited as another payment.
        Assert.Equal(2, (await harness.AuditActionsAsync()).Count(a => a == PrepaidAuditActions.TopUp));
        Assert.Single(await harness.AuditActionsAsync(), a => a == PrepaidAuditActions.ReconnectRequested);
    }
    [Fact]
    public async Task Settle_ReadingsStoredThreeTimesAndUnauthenticatedOnes_DeductedOnceAndOnlyTheAuthenticated()
    {
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, Ist);
        using var once = new PrepaidHarness(fixture.Node, start);
        using var thrice = new PrepaidHarness(fixture.Node, start);
        var meterOnce = await once.AddMeterAsync();
        var meterThrice = await thrice.AddMeterAsync();
        await once.OpenWithAsync(1000m);
        await thrice.OpenWithAsync(1000m);

        await once.StoreHourlyAsync(meterOnce, start, start.AddDays(2), 700);
        for (var copy = 0; copy < 3; copy++)
        {
            await thrice.StoreHourlyAsync(meterThrice, start, start.AddDays(2), 700);
        }

        // What an unauthenticated association might have left: never counted.
        await fixture.Node.Node.Storage.Readings.WriteAsync(new HeadEnd.Readings.IngestBatch(
            [new HeadEnd.Readings.IntervalReading(meterThrice.Id, start.AddDays(2).AddMinutes(30), HeadEnd.Readings.Quantity.BlockImportEnergy, 90_000, HeadEnd.Readings.ReadingQuality.None)],
            [], [], new Dictionary<HeadEnd.Meters.MeterId, uint>()));
        foreach (var harness in new[] { once, thrice })
        {
            harness.Time.SetUtcNow(start.AddDays(2).AddHours(1));
            await harness.Service.SettleAsync(harness.Consumer);
            await harness.Service.SettleAsync(harness.Consumer);
        }

        var charged = await once.Store.GetMonthChargedAsync(once.Consumer, March);
        Assert.True(charged > 50m, $"charged {charged}");
        Assert.Equal(charged, await thrice.Store.GetMonthChargedAsync(thrice.Consumer, March));
        Assert.Equal((await once.AccountAsync()).Balance, (await thrice.AccountAsync()).Balance);
    }
}
