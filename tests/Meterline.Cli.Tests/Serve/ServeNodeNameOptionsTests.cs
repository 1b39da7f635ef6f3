using System.CommandLine;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using static Meterline.Cli.Tests.Serve.ServeParse;

namespace Meterline.Cli.Tests.Serve;

/// <summary><c>meterline serve --node-name</c>: the dispatcher's node name and the MQTT consumer's client id (docs/deployment.md).</summary>
public sealed class ServeNodeNameOptionsTests
{
    [Fact]
    public void ToHeadEndOptions_NodeNameWithExternalBroker_NamesTheDispatcherAndTheClientId()
    {
        Environment.SetEnvironmentVariable("METERLINE_NODE_NAME_TEST_PASSWORD", "secret-secret-secret");
        var node = Parse("--node-name", "node-b", "--mqtt-broker", "mqtt://127.0.0.1:1883", "--mqtt-username", "hes", "--mqtt-password-env", "METERLINE_NODE_NAME_TEST_PASSWORD");

        Assert.Equal("node-b", node.Dispatcher.NodeName);
        Assert.Equal("meterline-hes-node-b", node.Mqtt!.ClientId);
        Assert.False(node.Ingest.LoadCounterMarks);
    }

    [Fact]
    public void ToHeadEndOptions_NoNodeName_IsTheHostName()
    {
        var node = Parse();

        Assert.Equal(Environment.MachineName, node.Dispatcher.NodeName);
        Assert.True(node.Ingest.LoadCounterMarks);
    }

    [Theory]
    [InlineData("node a")]
    [InlineData("node/a")]
    [InlineData("")]
    public void ToHeadEndOptions_NodeNameWithOtherCharacters_IsAUsageError(string name)
    {
        var error = Assert.Throws<CommandException>(() => Parse("--node-name", name));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
