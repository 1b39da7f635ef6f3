using Meterline.HeadEnd.Mqtt.Mosquitto;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The generated mosquitto.conf's queue bound (the rest of the files are proved on a real mosquitto by <see cref="ExternalBrokerTests"/>).</summary>
public sealed class MosquittoConfigTests
{
    [Fact]
    public void Conf_Default_QueuesAMillionMessagesPerClient()
    {
        var lines = MosquittoConfig.Conf("/tmp/meterline-mosquitto", 1883).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("max_queued_messages 1000000", lines);
    }

    [Fact]
    public void Conf_MaxQueuedMessagesGiven_WrittenOnceInPlaceOfTheDefault()
    {
        var lines = MosquittoConfig.Conf("/tmp/meterline-mosquitto", 1883, maxQueuedMessages: 250_000).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Single(lines, l => l.StartsWith("max_queued_messages ", StringComparison.Ordinal));
        Assert.Contains("max_queued_messages 250000", lines);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Conf_MaxQueuedMessagesBelowOne_Refused(int maxQueuedMessages) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MosquittoConfig.Conf("/tmp/meterline-mosquitto", 1883, maxQueuedMessages: maxQueuedMessages));
}
