using CliRunner = Meterline.Cli.Tests.Api.Cli;

namespace Meterline.Cli.Tests.Bills;

/// <summary>`meterline bills` in process against a running head-end with tariffs: issue, list, show, print, and the refusals.</summary>
public sealed class CliBillsTests(BillingHeadEnd headEnd) : IClassFixture<BillingHeadEnd>
{
    [Fact]
    public async Task Bills_IssueEveryMeterThenListShowAndPrint_TheHandWorkedBills()
    {
        var issued = await CliRunner.RunAsync("bills", "issue", "--month", "2026-03", "--server", headEnd.Server, "--token", headEnd.Token, "--actor", "billing-clerk");
        Assert.True(issued.Code == 0, issued.Error + issued.Output);
        Assert.Contains("issued for BILL000001: 250", issued.Output, StringComparison.Ordinal);
        Assert.Contains("1,239.60 INR", issued.Output, StringComparison.Ordinal);
        Assert.Contains("issued for BILL000003: 1000", issued.Output, StringComparison.Ordinal);
        Assert.Contains("11,109.00 INR", issued.Output, StringComparison.Ordinal);
        Assert.Contains("2 issued", issued.Output, StringComparison.Ordinal);

        // Again: nothing new, each month counted as already billed.
        var again = await CliRunner.RunAsync("bills", "issue", "--month", "2026-03", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains("2 bill-exists", again.Output, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync("bills", "list", "--month", "2026-03", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(list.Code == 0, list.Error);
        Assert.Contains("BILL000001", list.Output, StringComparison.Ordinal);
        Assert.Contains("BILL000003", list.Output, StringComparison.Ordinal);
        Assert.Contains("2 bills", list.Output, StringComparison.Ordinal);

        var meterList = await CliRunner.RunAsync("bills", "list", "--meter", "BILL000003", "--server", headEnd.Server, "--token", headEnd.Token);
        var number = meterList.Output.Split(new[] { '│', ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries).First(t => t.StartsWith("202603-", StringComparison.Ordinal));
        Assert.Contains("1 bills", meterList.Output, StringComparison.Ordinal);

        var show = await CliRunner.RunAsync("bills", "show", number, "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(show.Code == 0, show.Error);
        Assert.Contains("12.4 kW", show.Output, StringComparison.Ordinal);
        Assert.Contains("Excess demand above 10 kW", show.Output, StringComparison.Ordinal);
        Assert.Contains("11,109.00 INR", show.Output, StringComparison.Ordinal);

        var file = Path.Combine(headEnd.Directory, "bill.html");
        var print = await CliRunner.RunAsync("bills", "print", number, "--out", file, "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(print.Code == 0, print.Error);
        var html = await File.ReadAllTextAsync(file);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Maximum demand (recorded)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BillsIssue_OneMeterWithoutConsumer_Exit3WithTheProblem()
    {
        var (code, _, error) = await CliRunner.RunAsync("bills", "issue", "--month", "2026-03", "--meter", "BILL000009", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(3, code);
        Assert.Contains("no-tariff", error, StringComparison.Ordinal);
        Assert.Contains("has no consumer", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BillsShowAndPrint_UnknownNumber_Exit3UnknownBill()
    {
        var show = await CliRunner.RunAsync("bills", "show", "209912-999999-1", "--server", headEnd.Server, "--token", headEnd.Token);
        var print = await CliRunner.RunAsync("bills", "print", "209912-999999-1", "--out", Path.Combine(headEnd.Directory, "none.html"), "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal((3, 3), (show.Code, print.Code));
        Assert.Contains("unknown-bill", show.Error, StringComparison.Ordinal);
        Assert.Contains("unknown-bill", print.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(headEnd.Directory, "none.html")));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("list", "--month", "2026-13")]
    [InlineData("issue", "--month", "March")]
    public async Task Bills_BadArguments_Exit1(params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync([.. new[] { "bills" }, .. args, "--server", headEnd.Server, "--token", headEnd.Token]);

        Assert.Equal(1, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
