using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Ingest;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --follower-share</c> turned into the ingest pipeline's <see cref="IngestPipelineOptions.FollowerShare"/>.</summary>
public sealed class ServeFollowerShareTests
{
    [Fact]
    public void ToHeadEndOptions_NoOption_KeepsThePipelinesDefault()
    {
        Assert.Equal(new IngestPipelineOptions().FollowerShare, Parse().Ingest.FollowerShare);
        Assert.Equal(0.25, Parse().Ingest.FollowerShare);
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("1", 1.0)]
    public void ToHeadEndOptions_ShareInRange_SetsIt(string value, double share)
    {
        var ingest = Parse("--follower-share", value).Ingest;

        Assert.Equal(share, ingest.FollowerShare);
        ingest.Validate();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("NaN")]
    public void ToHeadEndOptions_ShareOutOfRange_IsAUsageError(string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse("--follower-share", value));

        Assert.Equal("--follower-share is above 0 and at most 1", error.Message);
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
