using Meterline.Cli.Tests.Bills;
using CliRun = Meterline.Cli.Tests.Api.Cli;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.Cli.Tests.Prepaid;

/// <summary>`meterline prepaid` in process against a running head-end with prepaid and dual control of large adjustments.</summary>
public sealed class CliPrepaidTests(BillingHeadEnd headEnd) : IClassFixture<BillingHeadEnd>
{
    [Fact]
    public async Task OpenTopUpShowLedger_ARetriedTopUpIsAppliedOnce()
    {
        var opened = await RunAsync(headEnd.Token, "open", "C-CLI-1");
        var again = await RunAsync(headEnd.Token, "open", "C-CLI-1");
        var topUp = await RunAsync(headEnd.Token, "top-up", "C-CLI-1", "--amount", "500.25", "--reference", "receipt 77", "--key", "pay-77");
        var retried = await RunAsync(headEnd.Token, "top-up", "C-CLI-1", "--amount", "500.25", "--reference", "receipt 77", "--key", "pay-77");
        var unkeyed = await RunAsync(headEnd.Token, "top-up", "C-CLI-1", "--amount", "10");
        var shown = await RunAsync(headEnd.Token, "show", "C-CLI-1");
        var ledger = await RunAsync(headEnd.Token, "ledger", "C-CLI-1", "--limit", "10");

        Assert.Contains("opened: C-CLI-1 balance 0", opened.Output, StringComparison.Ordinal);
        Assert.Contains("already on prepaid: C-CLI-1", again.Output, StringComparison.Ordinal);
        Assert.Contains("posted: entry", topUp.Output, StringComparison.Ordinal);
        Assert.Contains("balance 500.25 INR", topUp.Output, StringComparison.Ordinal);
        Assert.Contains("already applied (this key was used before)", retried.Output, StringComparison.Ordinal);
        Assert.Matches("idempotency key: cli-[0-9a-f]{24}", unkeyed.Output);
        Assert.Contains("510.25", shown.Output, StringComparison.Ordinal);
        Assert.Contains("receipt 77", ledger.Output, StringComparison.Ordinal);
        var account = (await headEnd.Node.Prepaid!.Store.GetAsync("C-CLI-1"))!;
        Assert.Equal((510.25m, 2L), (account.Balance, account.Entries));
    }

    [Fact]
    public async Task AdjustAboveTheApprovalAmount_WaitsThenTheRequesterIsRefusedAndASecondAdminApproves()
    {
        await RunAsync(headEnd.Token, "open", "C-CLI-2");

        var asked = await RunAsync(headEnd.Token, "adjust", "C-CLI-2", "--amount", "-1500", "--reason", "tamper back-billing, case 41", "--key", "case-41");
        Assert.Contains("awaiting a second admin: request", asked.Output, StringComparison.Ordinal);
        var request = (await headEnd.Node.Prepaid!.Store.ListAdjustmentRequestsAsync(AdjustmentRequestState.Pending, "C-CLI-2", 10)).Single();
        Assert.Equal(0m, (await headEnd.Node.Prepaid.Store.GetAsync("C-CLI-2"))!.Balance);

        var listed = await RunAsync(headEnd.Token, "requests", "--state", "pending", "--consumer", "C-CLI-2");
        Assert.Contains("case 41", listed.Output, StringComparison.Ordinal);

        var own = await CliRun.RunAsync("prepaid", "approve", request.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.NotEqual(0, own.Code);
        Assert.Contains("self-approval", own.Error, StringComparison.Ordinal);

        var approved = await RunAsync(headEnd.SecondAdminToken, "approve", request.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"request {request.Id.Value}: applied by admin-2; entry", approved.Output, StringComparison.Ordinal);
        Assert.Equal(-1500m, (await headEnd.Node.Prepaid.Store.GetAsync("C-CLI-2"))!.Balance);

        var twice = await CliRun.RunAsync("prepaid", "reject", request.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--server", headEnd.Server, "--token", headEnd.SecondAdminToken);
        Assert.NotEqual(0, twice.Code);
        Assert.Contains("approval-not-pending", twice.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adjust_WithoutAReasonOrWithABadAmount_UsageErrorNothingPosted()
    {
        await RunAsync(headEnd.Token, "open", "C-CLI-3");

        var noReason = await CliRun.RunAsync("prepaid", "adjust", "C-CLI-3", "--amount", "-20", "--server", headEnd.Server, "--token", headEnd.Token);
        var badAmount = await CliRun.RunAsync("prepaid", "top-up", "C-CLI-3", "--amount", "12,50", "--server", headEnd.Server, "--token", headEnd.Token);
        var unknown = await CliRun.RunAsync("prepaid", "show", "C-NOBODY", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(1, noReason.Code);
        Assert.Contains("--reason is required", noReason.Error, StringComparison.Ordinal);
        Assert.Equal(1, badAmount.Code);
        Assert.Contains("--amount is required", badAmount.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.Code);
        Assert.Equal(0L, (await headEnd.Node.Prepaid!.Store.GetAsync("C-CLI-3"))!.Entries);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string token, params string[] args)
    {
        var run = await CliRun.RunAsync([.. new[] { "prepaid" }, .. args, "--server", headEnd.Server, "--token", token]);
        Assert.True(run.Code == 0, $"meterline prepaid {string.Join(' ', args)}: exit {run.Code}{Environment.NewLine}{run.Output}{run.Error}");
        return run;
    }
}
