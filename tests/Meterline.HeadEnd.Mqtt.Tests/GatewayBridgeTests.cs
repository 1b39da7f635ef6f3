using Meterline.Gateway.Mqtt;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Mqtt.Topics;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Control;
using MQTTnet;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// Zigbee meters reached through <c>meterline gateway --broker</c>: simulated meters with radios behind the emulated
/// coordinator on a real pseudo-terminal, the gateway's bridge, a real mosquitto with the generated password and ACL
/// files, and a head-end on SQLite consuming from it — no serial port and no gateway-protocol link at the head-end.
/// </summary>
public sealed class GatewayBridgeTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    [Fact]
    public async Task Push_ThroughGatewayAndMosquitto_EveryDeliveredPushStoredOnce()
    {
        var (head, broker, consumer, password, meters) = await GatewayBridge.StartHeadEndAsync(3, speed: 120);
        await using var _ = head;
        await using var __ = broker;
        await using var ___ = consumer;
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await using var gateway = await GatewayBridge.StartAsync(head.Fleet.Radio!.DevicePath, broker, password, GatewayBridge.MetersOf(head));
        var fleet = head.Fleet.RunAsync(stop.Token);

        foreach (var meter in meters)
        {
            await MqttHeadEnd.UntilAsync(async () => await head.Storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial} through the gateway");
        }

        await gateway.StopAsync();
        await stop.CancelAsync();
        await fleet.WaitAsync(Bound);
        await consuming.WaitAsync(Bound);

        var delivered = head.Fleet.Snapshot().PushesDelivered;
        Assert.True(delivered >= meters.Count);
        Assert.Equal(delivered, head.Pipeline.Metrics.Accepted);
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(delivered, gateway.Bridge.Published);
        Assert.Equal(0, gateway.Bridge.Refused);
        Assert.Equal(0, gateway.Bridge.UnknownRadio);
    }

    [Fact]
    public async Task Disconnect_FromTheHeadEndThroughMosquittoAndGateway_ConfirmedByRelayReadBack()
    {
        var (head, broker, consumer, password, meters) = await GatewayBridge.StartHeadEndAsync(2, speed: 1);
        await using var _ = head;
        await using var __ = broker;
        await using var ___ = consumer;
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await using var gateway = await GatewayBridge.StartAsync(head.Fleet.Radio!.DevicePath, broker, password, GatewayBridge.MetersOf(head));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed && gateway.Bridge.IsConnected), "the consumer and the gateway connected");

        var connector = head.Connector(new MqttLinkOpener(consumer));
        var meter = meters[0];
        Assert.Equal(MqttEndpoint.For(meter.SystemTitle), meter.Endpoint);
        await using (var session = await connector.OpenAsync(meter).WaitAsync(Bound))
        {
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(Bound));
            await session.RemoteDisconnectAsync().WaitAsync(Bound);
            Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(Bound));
        }

        Assert.Equal(DisconnectControlState.Disconnected, head.Fleet.Meters[0].Meter.Relay.ControlState);
        Assert.Equal(DisconnectControlState.Connected, head.Fleet.Meters[1].Meter.Relay.ControlState);
        Assert.True(gateway.Bridge.RequestsRelayed > 0);
        Assert.Equal(0, gateway.Bridge.RequestsRefused);
        Assert.Equal(0, consumer.Sessions.Open);

        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);
    }

    [Fact]
    public async Task Pushes_WhileTheBrokerIsDownAndTheGatewayRestarts_NoneLostNoneStoredTwice()
    {
        var (head, broker, consumer, password, meters) = await GatewayBridge.StartHeadEndAsync(3, speed: 120);
        await using var _ = head;
        await using var __ = broker;
        await using var ___ = consumer;
        var spool = Path.Combine(head.Directory, "gateway.spool");
        using var stop = new CancellationTokenSource();
        using var stopFleet = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        var first = await GatewayBridge.StartAsync(head.Fleet.Radio!.DevicePath, broker, password, GatewayBridge.MetersOf(head), spool);
        await using var ____ = first;
        var fleet = head.Fleet.RunAsync(stopFleet.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Pipeline.Metrics.Accepted > 0), "a first push stored");

        // The broker goes away; the meters go on pushing over the radio, and the gateway holds their pushes.
        await broker.StopAsync();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(first.Bridge.Pending >= meters.Count), "pushes held by the gateway while the broker is away");
        await stopFleet.CancelAsync();
        await fleet.WaitAsync(Bound);
        var delivered = head.Fleet.Snapshot().PushesDelivered;

        // The gateway restarts (its held pushes go to the spool), then the broker comes back.
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(first.Bridge.Pending + first.Bridge.Published >= delivered), "every delivered push in the gateway's hands");
        await first.StopAsync();
        var spooledAtStop = first.Bridge.SpoolPending;
        Assert.True(spooledAtStop > 0);
        Assert.True(first.Bridge.Spooled >= spooledAtStop, "every push went through the spool");
        Assert.True(File.Exists(spool));
        await broker.StartAgainAsync();
        await using var second = await GatewayBridge.StartAsync(head.Fleet.Radio!.DevicePath, broker, password, GatewayBridge.MetersOf(head), spool);

        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Pipeline.Metrics.Accepted >= delivered), $"all {delivered} delivered pushes stored");
        await second.StopAsync();
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(spooledAtStop, second.Bridge.Unspooled);
        Assert.Equal(0, second.Bridge.SpoolTornRecords);
        Assert.False(File.Exists(spool));
        Assert.Equal(delivered, head.Pipeline.Metrics.Accepted);
        // A push published again after its PUBACK was lost with the broker reaches the head-end twice: refused as a replay, never stored twice.
        Assert.Equal(head.Pipeline.Metrics.RejectedTotal, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        foreach (var meter in meters)
        {
            Assert.True(await head.Storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial}");
        }
    }

    [Fact]
    public async Task Mosquitto_GatewayAccount_PublishesAndReadsOnlyItsOwnMetersTopics()
    {
        var (head, broker, consumer, password, meters) = await GatewayBridge.StartHeadEndAsync(1, speed: 1);
        await using var _ = head;
        await using var __ = broker;
        await using var ___ = consumer;
        var own = meters[0].SystemTitle;
        var foreign = MeterSystemTitle.Parse("4D4C4D00000FFFFF");
        var (client, connected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, GatewayBridge.User, password, "gw-test").Build());
        using var ____ = client;
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        client.ApplicationMessageReceivedAsync += e => received.Writer.WriteAsync(e.ApplicationMessage.Topic).AsTask();
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(foreign), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(own), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var (hes, hesConnected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, Mosquitto.HeadEndUser, broker.HeadEndPassword, "hes-test").Build());
        using var _____ = hes;
        var (listener, listenerConnected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, Mosquitto.HeadEndUser, broker.HeadEndPassword, "hes-listener").Build());
        using var ______ = listener;
        var ups = System.Threading.Channels.Channel.CreateUnbounded<string>();
        listener.ApplicationMessageReceivedAsync += e => ups.Writer.WriteAsync(e.ApplicationMessage.Topic).AsTask();
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.AllUp, MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);

        foreach (var meter in new[] { foreign, own })
        {
            var down = await hes.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Down(meter)).WithPayload(new byte[12])
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
            Assert.True(down.IsSuccess);
        }

        var refusedUp = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Up(foreign)).WithPayload(new byte[12])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var ownUp = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Up(own)).WithPayload(new byte[12])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);

        Assert.Equal(MqttClientConnectResultCode.Success, hesConnected.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, listenerConnected.ResultCode);
        Assert.Equal(MeterTopics.Down(own), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(MeterTopics.Up(own), await ups.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(MqttClientPublishReasonCode.Success, ownUp.ReasonCode);
        Assert.False(refusedUp.IsSuccess, refusedUp.ReasonCode.ToString());
        Assert.False(received.Reader.TryRead(out var leaked), $"received {leaked}");
        Assert.False(ups.Reader.TryRead(out var published), $"published {published}");
    }

    [Fact]
    public void GatewayTopics_SameSchemeAsTheHeadEnd()
    {
        var title = MeterSystemTitle.Parse("4D4C4D0000000001");

        Assert.Equal(MeterTopics.Up(title), GatewayTopics.Up(title.ToString()));
        Assert.Equal(MeterTopics.Down(title), GatewayTopics.Down(title.ToString()));
        Assert.True(GatewayTopics.TryParseDown(MeterTopics.Down(title), out var parsed));
        Assert.Equal(title.ToString(), parsed);
        Assert.False(GatewayTopics.TryParseDown(MeterTopics.Up(title), out _));
        Assert.False(GatewayTopics.TryParseDown("meterline/+/down", out _));
    }

    [Fact]
    public void Acl_GatewayBlock_GrantsExactlyItsMetersTopics()
    {
        var a = MeterSystemTitle.Parse("4D4C4D0000000001");
        var b = MeterSystemTitle.Parse("4D4C4D0000000002");

        var acl = global::Meterline.HeadEnd.Mqtt.Mosquitto.MosquittoConfig.Acl([Mosquitto.HeadEndUser], [("gw-1", [a]), ("gw-2", [b])]);

        var block = acl[acl.IndexOf("user gw-1", StringComparison.Ordinal)..acl.IndexOf("# gateway gw-2", StringComparison.Ordinal)];
        Assert.Contains($"topic write meterline/{a}/up", block, StringComparison.Ordinal);
        Assert.Contains($"topic read meterline/{a}/down", block, StringComparison.Ordinal);
        Assert.DoesNotContain(b.ToString(), block, StringComparison.Ordinal);
        Assert.DoesNotContain("+", block, StringComparison.Ordinal);
    }
}
