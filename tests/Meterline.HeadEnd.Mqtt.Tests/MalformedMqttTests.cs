using System.Net.Sockets;
using MQTTnet.Protocol;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Framing;
using Meterline.HeadEnd.Testing;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// What no honest client sends, over raw sockets to the embedded broker: each closes the connection, and the process's
/// memory is unchanged. MQTTnet alone would allocate each announced length (8 × 256 MB); the guard lets none through.
/// </summary>
public sealed class MalformedMqttTests
{
    private const long Allowance = 48L * 1024 * 1024;

    private static long Heap() => LiveHeap.Measure();

    [Fact]
    public async Task Connect_EightSocketsAnnouncing256MegabytesBeforeConnect_ClosedAndMemoryUnchanged()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var before = Heap();
        var peakBefore = GC.GetGCMemoryInfo().HeapSizeBytes;

        var sockets = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            var socket = await RawMqtt.OpenAsync(head.BrokerEndpoint);
            // CONNECT announcing 268,435,455 bytes, then the first bytes of a body.
            await socket.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T' });
            sockets.Add(socket);
        }

        foreach (var socket in sockets)
        {
            Assert.Empty(await RawMqtt.ReadUntilClosedAsync(socket));
            socket.Dispose();
        }

        Assert.True(Heap() - before < Allowance, $"heap grew from {before} to {Heap()}");
        Assert.True(GC.GetGCMemoryInfo().HeapSizeBytes - peakBefore < Allowance);
        Assert.Equal(8, head.Broker!.GuardViolations);
        Assert.Equal(8, head.Pipeline.Metrics.Rejected(IngestRejectReason.Oversize));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Gate.Open == 0), "every slot of the gate released");
    }

    [Theory]
    [InlineData(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(new byte[] { 0xC0, 0x00 })]
    [InlineData(new byte[] { 0x30, 0x05, 0x00, 0x01, (byte)'x', 0x00, 0x00 })]
    [InlineData(new byte[] { 0x00, 0x00 })]
    public async Task Connect_MalformedOrNotConnectFirst_ClosedUnansweredAndRefusedAsMalformed(byte[] packet)
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var before = Heap();
        using var socket = await RawMqtt.OpenAsync(head.BrokerEndpoint);

        await socket.SendAsync(packet);

        Assert.Empty(await RawMqtt.ReadUntilClosedAsync(socket));
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.Malformed));
        Assert.True(Heap() - before < Allowance);
    }

    [Fact]
    public async Task Connect_SecondConnectAfterLogin_Closed()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        await head.StartFleetAsync(1, run: false);
        var meter = head.Fleet.Provisioning.Meters[0];
        var connect = RawMqtt.Connect(meter.SystemTitle.ToString(), meter.SystemTitle.ToString(), meter.MqttPassword!);
        using var socket = await RawMqtt.OpenAsync(head.BrokerEndpoint);

        await socket.SendAsync(connect);
        var connAck = await RawMqtt.ReadPacketAsync(socket);
        Assert.Equal((byte)MqttPacketType.ConnAck << 4, connAck[0]);
        Assert.Equal((byte)MqttConnectReasonCode.Success, connAck[3]);
        await socket.SendAsync(connect);

        Assert.Empty(await RawMqtt.ReadUntilClosedAsync(socket));
        Assert.Equal(1, head.Broker!.GuardViolations);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.Malformed));
    }

    [Fact]
    public async Task Connect_ClientIdWithNul_RefusedWithClientIdentifierNotValidAndClosed()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        await head.StartFleetAsync(1, run: false);
        var meter = head.Fleet.Provisioning.Meters[0];
        using var socket = await RawMqtt.OpenAsync(head.BrokerEndpoint);

        await socket.SendAsync(RawMqtt.Connect("ab\0cd", meter.SystemTitle.ToString(), meter.MqttPassword!));

        var answer = await RawMqtt.ReadUntilClosedAsync(socket);
        Assert.True(answer.Length >= 4, "a CONNACK before closing");
        Assert.Equal((byte)MqttPacketType.ConnAck << 4, answer[0]);
        Assert.Equal((byte)MqttConnectReasonCode.ClientIdentifierNotValid, answer[3]);
        Assert.Equal(0, head.Broker!.Logins);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.Malformed));
    }

    [Fact]
    public async Task Connect_SilentAfterConnecting_ClosedAtTheAuthenticationTimeoutAsSlowSender()
    {
        await using var head = await MqttHeadEnd.StartAsync(gate: new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromMilliseconds(300) });
        using var socket = await RawMqtt.OpenAsync(head.BrokerEndpoint);

        // Half a CONNECT, dribbled, then nothing.
        await socket.SendAsync(new byte[] { 0x10, 0x20, 0x00 });

        Assert.Empty(await RawMqtt.ReadUntilClosedAsync(socket));
        // The gate closes the connection first and counts it after: the count may trail the close the client sees.
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Gate.AuthenticationTimeouts >= 1 && head.Pipeline.Metrics.Rejected(IngestRejectReason.SlowSender) >= 1), "the timeout counted");
        Assert.Equal(1, head.Gate.AuthenticationTimeouts);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.SlowSender));
    }
}
