using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Analytics;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --analytics-window-memory MiB</c> turned into the analytics' held-window budget.</summary>
public sealed class ServeAnalyticsWindowOptionsTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("16", 16L * 1024 * 1024)]
    [InlineData("65536", 65_536L * 1024 * 1024)]
    public void ToHeadEndOptions_AnalyticsWindowMemory_SetsTheBudget(string value, long expected) =>
        Assert.Equal(expected, Parse("--analytics-window-memory", value).Analytics!.WindowMemoryBudget);

    [Fact]
    public void ToHeadEndOptions_AnalyticsWindowMemoryNotGiven_KeepsTheDefault() =>
        Assert.Equal(new AnalyticsOptions().WindowMemoryBudget, Parse().Analytics!.WindowMemoryBudget);

    [Theory]
    [InlineData("-1")]
    [InlineData("65537")]
    public void ToHeadEndOptions_AnalyticsWindowMemoryOutOfRange_IsAUsageError(string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse("--analytics-window-memory", value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--analytics-window-memory", error.Message, StringComparison.Ordinal);
    }
}
