using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Analytics.Balance;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --energy-balance-alerts on|off</c> turned into the analytics' options.</summary>
public sealed class ServeEnergyBalanceOptionsTests
{
    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    public void ToHeadEndOptions_EnergyBalanceAlerts_SetsTheAlert(string value, bool expected) =>
        Assert.Equal(expected, Parse("--energy-balance-alerts", value).Analytics!.EnergyBalance.Alerts);

    [Fact]
    public void ToHeadEndOptions_EnergyBalanceAlertsNotGiven_KeepsTheDefault() =>
        Assert.Equal(new EnergyBalanceOptions().Alerts, Parse().Analytics!.EnergyBalance.Alerts);

    [Fact]
    public void ToHeadEndOptions_EnergyBalanceAlertsNeitherOnNorOff_IsAUsageError()
    {
        var error = Assert.Throws<CommandException>(() => Parse("--energy-balance-alerts", "yes"));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--energy-balance-alerts", error.Message, StringComparison.Ordinal);
    }
}
