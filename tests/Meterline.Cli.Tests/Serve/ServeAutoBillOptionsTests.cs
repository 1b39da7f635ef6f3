using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --auto-bill/--auto-bill-delay/--auto-bill-catch-up</c> turned into the node's options.</summary>
public sealed class ServeAutoBillOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_WithoutAutoBill_NoAutomaticIssue()
    {
        Assert.Null(Parse("--tariffs", "tariffs.json").AutoBilling);
    }

    [Fact]
    public void ToHeadEndOptions_AutoBillWithDelayAndCatchUp_SetTheNodesAutoBilling()
    {
        var node = Parse("--tariffs", "tariffs.json", "--auto-bill", "--auto-bill-delay", "1.12:00:00", "--auto-bill-catch-up", "6");

        Assert.Equal((TimeSpan.FromHours(36), 6), (node.AutoBilling!.Delay, node.AutoBilling.CatchUpMonths));
    }

    [Fact]
    public void ToHeadEndOptions_AutoBillAlone_TwoDaysAndThreeMonths()
    {
        var node = Parse("--tariffs", "tariffs.json", "--auto-bill");

        Assert.Equal((TimeSpan.FromDays(2), 3), (node.AutoBilling!.Delay, node.AutoBilling.CatchUpMonths));
    }

    [Theory]
    [InlineData("--auto-bill")]
    [InlineData("--tariffs", "t.json", "--auto-bill-delay", "1.00:00:00")]
    [InlineData("--tariffs", "t.json", "--auto-bill", "--auto-bill-delay", "30.00:00:00")]
    [InlineData("--tariffs", "t.json", "--auto-bill", "--auto-bill-catch-up", "0")]
    public void ToHeadEndOptions_Inconsistent_IsAUsageError(params string[] args)
    {
        var error = Assert.Throws<CommandException>(() => Parse(args));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--auto-bill", error.Message, StringComparison.Ordinal);
    }
}
