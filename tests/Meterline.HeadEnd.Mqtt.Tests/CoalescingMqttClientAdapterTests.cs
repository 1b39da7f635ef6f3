using Meterline.HeadEnd.Mqtt.Client;
using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The consumer's client connection: PUBACKs sent in a gather reach the channel in one write.</summary>
public sealed class CoalescingMqttClientAdapterTests
{
    private static CoalescingMqttClientAdapter Adapter(CountedMqttChannel channel) => new(channel,
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1").WithProtocolVersion(MqttProtocolVersion.V500).Build(), null, MqttNetNullLogger.Instance);

    private static MqttPubAckPacket PubAck(int id) => new() { PacketIdentifier = (ushort)(id % ushort.MaxValue + 1), ReasonCode = MqttPubAckReasonCode.Success };

    private static async Task<byte[]> AloneAsync(int id)
    {
        var channel = new CountedMqttChannel();
        using var adapter = Adapter(channel);
        await adapter.SendPacketAsync(PubAck(id), CancellationToken.None);
        return Assert.Single(channel.Writes);
    }

    [Fact]
    public async Task SendPacketAsync_OutsideAGather_OneWritePerPubAck()
    {
        var channel = new CountedMqttChannel();
        using var adapter = Adapter(channel);

        for (var id = 1; id <= 3; id++)
        {
            await adapter.SendPacketAsync(PubAck(id), CancellationToken.None);
        }

        Assert.Equal(3, channel.Writes.Count);
        Assert.Equal(3, adapter.Writes);
        Assert.Equal(0, adapter.GatheredWrites);
    }

    [Fact]
    public async Task EndGatherAsync_PubAcksOfAGather_OneWriteHoldingEachPacketInOrder()
    {
        var channel = new CountedMqttChannel();
        using var adapter = Adapter(channel);

        adapter.BeginGather();
        for (var id = 1; id <= 3; id++)
        {
            await adapter.SendPacketAsync(PubAck(id), CancellationToken.None);
        }

        Assert.Empty(channel.Writes);
        Assert.True(await adapter.EndGatherAsync(CancellationToken.None));

        var write = Assert.Single(channel.Writes);
        Assert.Equal([.. await AloneAsync(1), .. await AloneAsync(2), .. await AloneAsync(3)], write);
        Assert.Equal(1, adapter.GatheredWrites);
        Assert.Equal(3, adapter.GatheredPackets);
        Assert.Equal(write.Length, adapter.BytesSent);
        Assert.False(await adapter.EndGatherAsync(CancellationToken.None), "an empty gather writes nothing");
        Assert.Single(channel.Writes);
    }

    [Fact]
    public async Task SendPacketAsync_OtherPacketDuringAGather_GatheredPubAcksWrittenFirstThenThePacketAlone()
    {
        var channel = new CountedMqttChannel();
        using var adapter = Adapter(channel);

        adapter.BeginGather();
        await adapter.SendPacketAsync(PubAck(1), CancellationToken.None);
        await adapter.SendPacketAsync(MqttPingReqPacket.Instance, CancellationToken.None);
        await adapter.SendPacketAsync(PubAck(2), CancellationToken.None);
        await adapter.EndGatherAsync(CancellationToken.None);

        Assert.Equal([await AloneAsync(1), [0xC0, 0x00], await AloneAsync(2)], channel.Writes);
    }

    [Fact]
    public async Task SendPacketAsync_GatherPastTheBound_WrittenEarlyInBoundedWritesAndNothingLost()
    {
        var channel = new CountedMqttChannel();
        using var adapter = Adapter(channel);
        const int count = 40_000;

        adapter.BeginGather();
        for (var id = 0; id < count; id++)
        {
            await adapter.SendPacketAsync(PubAck(id), CancellationToken.None);
        }

        await adapter.EndGatherAsync(CancellationToken.None);

        var one = (await AloneAsync(1)).Length;
        Assert.True(channel.Writes.Count >= 2, $"{channel.Writes.Count} writes");
        Assert.All(channel.Writes, w => Assert.True(w.Length <= CoalescingMqttClientAdapter.MaxGatheredBytes + one, $"a write of {w.Length} bytes"));
        Assert.Equal((long)count * one, channel.Writes.Sum(w => (long)w.Length));
        Assert.Equal(count, adapter.GatheredPackets);
    }
}
