using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --push-udp-buffer/--push-udp-queue</c> turned into the wrapper push receiver's options.</summary>
public sealed class ServeUdpPushOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_BufferAndQueue_SetTheReceiversUdpOptions()
    {
        var node = Parse("--push-udp-buffer", "16777216", "--push-udp-queue", "50000");

        Assert.Equal(16 * 1024 * 1024, node.WrapperPush.UdpReceiveBufferSize);
        Assert.Equal(50_000, node.WrapperPush.UdpQueueCapacity);
    }

    [Fact]
    public void ToHeadEndOptions_Neither_KeepsTheDefaults()
    {
        var node = Parse();

        Assert.Equal(4 * 1024 * 1024, node.WrapperPush.UdpReceiveBufferSize);
        Assert.Equal(16_384, node.WrapperPush.UdpQueueCapacity);
    }

    [Theory]
    [InlineData("--push-udp-buffer", "1000")]
    [InlineData("--push-udp-queue", "0")]
    [InlineData("--push-udp-queue", "2000000")]
    public void ToHeadEndOptions_OutOfRange_IsAUsageError(string option, string value)
    {
        var error = Assert.Throws<CommandException>(() => Parse(option, value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }
}
