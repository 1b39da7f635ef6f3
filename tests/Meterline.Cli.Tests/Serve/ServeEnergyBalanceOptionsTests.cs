using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Analytics.Balance;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --energy-balance-alerts on|off</c> turned into the analytics' options.</summary>
public sealed class ServeEnergyBalanceOptionsTests
{
    private static Meterline.Server.Hosting.HeadEndOptions Parse(params string[] args)
    {
        var options = new ServeOptions();
        var command = new Command("serve");
        options.AddTo(command);
        var result = command.Parse(["--profiles", ".", .. args]);
        Assert.Empty(result.Errors);
        return options.ToHeadEndOptions(result);
    }

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
