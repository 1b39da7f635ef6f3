using Meterline.HeadEnd.Mqtt.Broker;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The formatters the broker's connections rent per packet instead of holding one each.</summary>
public sealed class MqttFormatterPoolTests
{
    // A minimal MQTT 5 CONNECT: protocol name "MQTT", level 5, flags (clean start), keep-alive 60, no properties, client id "a".
    private static readonly byte[] Connect = [0x10, 0x0E, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x01, (byte)'a'];

    private static ReceivedMqttPacket Received(byte[] packet) => new(packet[0], new ArraySegment<byte>(packet, 2, packet[1]), packet.Length);

    [Fact]
    public void Detect_MqttFiveConnect_V500AndItsFormatterKeptForTheNextRent()
    {
        var pool = new MqttFormatterPool();

        Assert.Equal(MqttProtocolVersion.V500, pool.Detect(Received(Connect)));
        Assert.Equal(1, pool.Idle(MqttProtocolVersion.V500));
        var formatter = pool.Rent(MqttProtocolVersion.V500);
        Assert.Equal(MqttProtocolVersion.V500, formatter.ProtocolVersion);
        Assert.Equal(1, pool.Made);
        Assert.Equal(0, pool.Idle(MqttProtocolVersion.V500));
    }

    [Fact]
    public void Detect_NotAConnect_Throws()
    {
        var pool = new MqttFormatterPool();

        Assert.ThrowsAny<MqttProtocolViolationException>(() => pool.Detect(Received([0x30, 0x03, 0x00, 0x01, (byte)'t'])));
        Assert.Equal(0, pool.Idle(MqttProtocolVersion.V500));
    }

    [Fact]
    public void RentDecodeReturn_Connect_DecodedAndFormatterReused()
    {
        var pool = new MqttFormatterPool();
        var version = pool.Detect(Received(Connect));

        var first = pool.Rent(version);
        var packet = Assert.IsType<MqttConnectPacket>(first.Decode(Received(Connect)));
        pool.Return(first);
        var second = pool.Rent(version);

        Assert.Equal(("a", (ushort)60), (packet.ClientId, packet.KeepAlivePeriod));
        Assert.Same(first, second);
    }

    [Fact]
    public void Encode_ConnAckWithRentedFormatter_BytesAnMqttFiveDecoderReadsBack()
    {
        var pool = new MqttFormatterPool();
        var formatter = pool.Rent(MqttProtocolVersion.V500);

        var bytes = formatter.Encode(new MqttConnAckPacket { ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.NotAuthorized }).ToArray();
        pool.Return(formatter);
        var decoded = pool.Rent(MqttProtocolVersion.V500).Decode(new ReceivedMqttPacket(bytes[0], new ArraySegment<byte>(bytes, 2, bytes[1]), bytes.Length));

        Assert.Equal(0x20, bytes[0]);
        Assert.Equal(MQTTnet.Protocol.MqttConnectReasonCode.NotAuthorized, Assert.IsType<MqttConnAckPacket>(decoded).ReasonCode);
    }

    [Fact]
    public void Return_MoreThanMaxIdle_KeepsOnlyMaxIdle()
    {
        var pool = new MqttFormatterPool();
        var rented = Enumerable.Range(0, MqttFormatterPool.MaxIdlePerVersion + 5).Select(_ => pool.Rent(MqttProtocolVersion.V500)).ToList();

        foreach (var formatter in rented)
        {
            pool.Return(formatter);
        }

        Assert.Equal(MqttFormatterPool.MaxIdlePerVersion + 5, pool.Made);
        Assert.Equal(MqttFormatterPool.MaxIdlePerVersion, pool.Idle(MqttProtocolVersion.V500));
        Assert.Equal(0, pool.Idle(MqttProtocolVersion.V311));
    }

    [Fact]
    public void Rent_UnknownVersion_Throws()
    {
        var pool = new MqttFormatterPool();

        Assert.ThrowsAny<MqttProtocolViolationException>(() => pool.Rent(MqttProtocolVersion.Unknown));
        Assert.Equal(0, pool.Made);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.Unknown)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void VersionOnly_OneInstancePerVersion_TellsTheVersion(MqttProtocolVersion version)
    {
        var pool = new MqttFormatterPool();

        Assert.Equal(version, pool.VersionOnly(version).ProtocolVersion);
        Assert.Same(pool.VersionOnly(version), pool.VersionOnly(version));
    }
}
