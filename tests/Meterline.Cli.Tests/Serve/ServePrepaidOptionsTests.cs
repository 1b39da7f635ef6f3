using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Billing;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --prepaid-*</c> turned into the node's prepaid options.</summary>
public sealed class ServePrepaidOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_PrepaidOptions_SetThresholdsHoursHolidaysAndWeekends()
    {
        var prepaid = Parse("--prepaid-low-balance", "250.50", "--prepaid-emergency-credit", "20", "--prepaid-reconnect-above", "10",
            "--prepaid-disconnect-hours", "09:00-17:30", "--prepaid-holiday", "2026-01-26", "--prepaid-holiday", "2026-08-15",
            "--prepaid-weekends", "--prepaid-time-zone", "Asia/Kolkata").Prepaid!;

        Assert.Equal((250.50m, 20m, 10m, -20m), (prepaid.LowBalanceThreshold, prepaid.EmergencyCredit, prepaid.ReconnectThreshold, prepaid.DisconnectThreshold));
        Assert.Equal(new TouWindow(9 * 60, (17 * 60) + 30), prepaid.Window.Hours);
        Assert.Equal([new DateOnly(2026, 1, 26), new DateOnly(2026, 8, 15)], prepaid.Window.Holidays.Order());
        Assert.True(prepaid.Window.Weekends);
        Assert.Equal("Asia/Kolkata", prepaid.TimeZoneId);
    }

    [Fact]
    public void ToHeadEndOptions_NoneOrNoPrepaid_DefaultsOrOff()
    {
        var defaults = Parse().Prepaid!;

        Assert.Equal(100m, defaults.LowBalanceThreshold);
        Assert.Equal(new TouWindow(10 * 60, 16 * 60), defaults.Window.Hours);
        Assert.False(defaults.Window.Weekends);
        Assert.Null(Parse("--no-prepaid").Prepaid);
    }

    [Theory]
    [InlineData("--prepaid-disconnect-hours", "10-16")]
    [InlineData("--prepaid-holiday", "26/01/2026")]
    [InlineData("--prepaid-low-balance", "ten")]
    public void ToHeadEndOptions_Malformed_IsAUsageErrorNamingTheOption(string option, string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse(option, value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHeadEndOptions_NegativeEmergencyCredit_IsAUsageError() =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CommandException>(() => Parse("--prepaid-emergency-credit", "-5")).ExitCode);
}
