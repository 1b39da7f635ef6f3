using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Ingest;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --max-connections/--max-connections-per-address/--max-unauthenticated</c> turned into the connection gate's options.</summary>
public sealed class ServeConnectionOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_AllThree_SetTheGatesCaps()
    {
        var node = Parse("--max-connections", "50000", "--max-connections-per-address", "6000", "--max-unauthenticated", "5000");

        Assert.Equal(50_000, node.Connections.MaxConnections);
        Assert.Equal(6_000, node.Connections.MaxConnectionsPerAddress);
        Assert.Equal(5_000, node.Connections.MaxUnauthenticated);
        node.Connections.Validate();
    }

    [Fact]
    public void ToHeadEndOptions_None_KeepsTheGatesDefaults()
    {
        var node = Parse();

        Assert.Equal(new ConnectionGateOptions(), node.Connections);
    }

    [Fact]
    public void ToHeadEndOptions_OnlyUnauthenticated_KeepsTheOtherLimitsAndTimeouts()
    {
        var node = Parse("--max-unauthenticated", "5000");

        Assert.Equal(new ConnectionGateOptions() with { MaxUnauthenticated = 5_000 }, node.Connections);
    }

    [Theory]
    [InlineData("--max-connections", "0", "--max-connections is 1 to 1000000")]
    [InlineData("--max-connections", "1000001", "--max-connections is 1 to 1000000")]
    [InlineData("--max-connections-per-address", "0", "--max-connections-per-address is 1 to --max-connections (10000)")]
    [InlineData("--max-connections-per-address", "10001", "--max-connections-per-address is 1 to --max-connections (10000)")]
    [InlineData("--max-unauthenticated", "0", "--max-unauthenticated is 1 to --max-connections (10000)")]
    [InlineData("--max-unauthenticated", "10001", "--max-unauthenticated is 1 to --max-connections (10000)")]
    public void ToHeadEndOptions_OutOfRange_IsAUsageErrorNamingTheRange(string option, string value, string message)
    {
        var error = Assert.Throws<CommandException>(() => Parse(option, value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ToHeadEndOptions_UnauthenticatedAboveALoweredTotal_IsAUsageErrorNamingTheTotal()
    {
        var error = Assert.Throws<CommandException>(() => Parse("--max-connections", "500", "--max-unauthenticated", "1000"));

        Assert.Equal("--max-unauthenticated is 1 to --max-connections (500)", error.Message);
    }
}
