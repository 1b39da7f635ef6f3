using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --backfill-period/--backfill-lookback</c> turned into the node's options.</summary>
public sealed class ServeBackfillOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_BackfillPeriodAndLookBack_SetTheNodesBackfillAndGapDetection()
    {
        var node = Parse("--backfill-period", "00:00:02", "--backfill-lookback", "30.00:00:00");

        Assert.Equal(TimeSpan.FromSeconds(2), node.Backfill!.Period);
        Assert.Equal(TimeSpan.FromDays(30), node.GapDetector.LookBack);
    }

    [Fact]
    public void ToHeadEndOptions_Neither_KeepsTheDefaults()
    {
        var node = Parse();

        Assert.Equal(TimeSpan.FromHours(1), node.Backfill!.Period);
        Assert.Equal(TimeSpan.FromDays(1), node.GapDetector.LookBack);
    }

    [Theory]
    [InlineData("--backfill-period", "00:00:00")]
    [InlineData("--backfill-lookback", "00:01:00")]
    [InlineData("--backfill-lookback", "3000.00:00:00")]
    public void ToHeadEndOptions_OutOfRange_IsAUsageError(string option, string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse(option, value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }
}
