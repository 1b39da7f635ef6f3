using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Analytics;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --analytics-config file.json</c>: the thresholds from the file, the flags on top.</summary>
public sealed class ServeAnalyticsConfigTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void ToHeadEndOptions_AnalyticsConfig_ThresholdsFromTheFileTheRestDefault()
    {
        File.WriteAllText(_file, """{ "zeroConsumption": { "minimumCurrent": 0.8 }, "netMeteredSerials": ["MTL00000001"], "energyBalance": { "alerts": false } }""");

        var options = Parse("--analytics-config", _file).Analytics!;

        Assert.Equal(0.8, options.ZeroConsumption.MinimumCurrent);
        Assert.Equal(new AnalyticsOptions().NeutralMismatch, options.NeutralMismatch);
        Assert.Equal(["MTL00000001"], options.NetMeteredSerials);
        Assert.False(options.EnergyBalance.Alerts);
    }

    [Fact]
    public void ToHeadEndOptions_AnalyticsConfigAndFlags_FlagsApplyOnTop()
    {
        File.WriteAllText(_file, """{ "netMeteredSerials": ["MTL00000001"], "energyBalance": { "alerts": false }, "windowMemoryBudget": 1048576 }""");

        var options = Parse("--analytics-config", _file, "--net-metered", "MTL00000002", "--energy-balance-alerts", "on", "--analytics-window-memory", "8").Analytics!;

        Assert.Equal(["MTL00000001", "MTL00000002"], options.NetMeteredSerials.Order(StringComparer.Ordinal));
        Assert.True(options.EnergyBalance.Alerts);
        Assert.Equal(8L * 1024 * 1024, options.WindowMemoryBudget);
    }

    [Fact]
    public void ToHeadEndOptions_AnalyticsConfigWithoutTheFlags_FileKeepsItsWindowMemory()
    {
        File.WriteAllText(_file, """{ "windowMemoryBudget": 1048576 }""");

        Assert.Equal(1L << 20, Parse("--analytics-config", _file).Analytics!.WindowMemoryBudget);
    }

    [Theory]
    [InlineData("""{ "zeroConsumption": { "minimumCurent": 0.8 } }""", "$.zeroConsumption.minimumCurent")]
    [InlineData("""{ "zeroConsumption": { "minimumCurrent": -1 } }""", "Zero consumption")]
    [InlineData("not json", "--analytics-config")]
    public void ToHeadEndOptions_WrongAnalyticsConfig_IsAUsageErrorNamingThePlace(string json, string named)
    {
        File.WriteAllText(_file, json);

        var error = Assert.Throws<CommandException>(() => Parse("--analytics-config", _file));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHeadEndOptions_MissingAnalyticsConfig_IsAUsageError()
    {
        var error = Assert.Throws<CommandException>(() => Parse("--analytics-config", _file + ".missing"));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
