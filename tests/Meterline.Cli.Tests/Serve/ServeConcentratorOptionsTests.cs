using System.CommandLine;
using System.Net;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --concentrator</c> turned into the guard's declared concentrator quotas.</summary>
public sealed class ServeConcentratorOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_ANetworkWithAQuotaAnAddressAndAGatewayName_DeclaredInOrder()
    {
        var concentrators = Parse("--concentrator", "10.20.0.0/16=8000/40000", "--concentrator", "192.0.2.7", "--concentrator", "gateway-7=500").Ingest.Guard.Concentrators;

        Assert.Equal(3, concentrators.Count);
        Assert.Equal(IPNetwork.Parse("10.20.0.0/16"), concentrators[0].Network);
        Assert.Equal(new(8000, 40_000), concentrators[0].Quota);
        Assert.True(concentrators[1].Matches("192.0.2.7", IPAddress.Parse("192.0.2.7")));
        Assert.False(concentrators[1].Matches("192.0.2.8", IPAddress.Parse("192.0.2.8")));
        Assert.Equal(HeadEnd.Ingest.SourceQuota.DefaultConcentratorQuota, concentrators[1].Quota);
        Assert.Equal("gateway-7", concentrators[2].Source);
        Assert.Equal(new(500, 2_500), concentrators[2].Quota);
    }

    [Fact]
    public void ToHeadEndOptions_None_NoConcentratorsAndTheDefaultSourceQuota()
    {
        var guard = Parse().Ingest.Guard;

        Assert.Empty(guard.Concentrators);
        Assert.Equal(new HeadEnd.Ingest.IngressGuardOptions().PerSource, guard.PerSource);
    }

    [Theory]
    [InlineData("10.0.0.0/8=0")]
    [InlineData("10.0.0.0/8=fast")]
    [InlineData("10.0.0.0/8=100/0")]
    [InlineData("=100")]
    public void ToHeadEndOptions_BadConcentrator_IsAUsageError(string value)
    {
        var e = Assert.Throws<CommandException>(() => Parse("--concentrator", value));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }
}
