using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Topics;
using Meterline.HeadEnd.Mqtt.Uplink;
using Meterline.Simulator.Push;
using MQTTnet;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>A real mosquitto with the generated password and ACL files, real meters, and head-end nodes as its clients.</summary>
public sealed class ExternalBrokerTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    internal static async Task<(MqttHeadEnd Head, Mosquitto Broker, IReadOnlyList<Meters.Meter> Meters)> StartAsync(int meters, double speed, bool run = true, IngressGuardOptions? guard = null, int usageQueueCapacity = 20_000)
    {
        var head = await MqttHeadEnd.StartAsync(broker: false, guard: guard, usageQueueCapacity: usageQueueCapacity);
        // The fleet needs the broker's port and the broker the fleet's passwords: provision first, then start both.
        var provisioning = Simulator.Provisioning.FleetProvisioning.Create(new Simulator.Provisioning.FleetLayout { Meters = meters, ProfileId = head.Profile.Id, Host = "127.0.0.1", Port = 4059 });
        Simulator.Provisioning.FleetProvisioningFile.Write(Path.Combine(head.Directory, "fleet.json"), provisioning);
        var broker = await Mosquitto.StartAsync(provisioning.Meters.Select(m => (new MeterSystemTitle(m.SystemTitle.Value), m.MqttPassword!)));
        var registered = await head.StartFleetAsync(meters, speed, new PushDestination(PushTransport.Mqtt, "127.0.0.1", broker.Endpoint.Port), run);
        return (head, broker, registered);
    }

    internal static MqttUplinkConsumer Consumer(MqttHeadEnd head, Mosquitto broker, string clientId, int workers = 512, int queueCapacity = 16_384) =>
        new(head.Pipeline, new MqttUplinkConsumerOptions
        {
            Workers = workers,
            QueueCapacity = queueCapacity,
            Host = "127.0.0.1",
            Port = broker.Endpoint.Port,
            UserName = Mosquitto.HeadEndUser,
            Password = broker.HeadEndPassword,
            ClientId = clientId,
            ShareGroup = "test",
        });

    [Fact]
    public async Task Mosquitto_GeneratedPasswordAndAclFiles_MeterLogsInOnlyWithItsPasswordAndReadsOnlyItsOwnDown()
    {
        var (head, broker, meters) = await StartAsync(2, 1, run: false);
        await using var _ = head;
        await using var __ = broker;
        var a = head.Fleet.Provisioning.Meters[0];

        var (wrong, refused) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, a.SystemTitle.ToString(), "wrong-password-wrong-password").Build());
        wrong.Dispose();
        var (client, connected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, a.SystemTitle.ToString(), a.MqttPassword!).Build());
        using var ___ = client;
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        client.ApplicationMessageReceivedAsync += e => received.Writer.WriteAsync(e.ApplicationMessage.Topic).AsTask();
        // mosquitto grants any subscription and applies the read ACL when it delivers.
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(meters[1].SystemTitle), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(meters[0].SystemTitle), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var (hes, hesConnected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(broker.Endpoint, Mosquitto.HeadEndUser, broker.HeadEndPassword, "hes-test").Build());
        using var ____ = hes;
        foreach (var meter in new[] { meters[1], meters[0] })
        {
            var result = await hes.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Down(meter.SystemTitle)).WithPayload(new byte[12])
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
            Assert.True(result.IsSuccess);
        }

        Assert.NotEqual(MqttClientConnectResultCode.Success, refused.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, hesConnected.ResultCode);
        Assert.Equal(MeterTopics.Down(meters[0].SystemTitle), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        await Task.Delay(300);
        Assert.False(received.Reader.TryRead(out var leaked), $"received {leaked}");
    }

    [Fact]
    public async Task SharedSubscription_TwoHeadEndConsumers_SplitTheUplinkAndStoreEveryPushOnce()
    {
        var (head, broker, meters) = await StartAsync(10, 900, run: false);
        await using var _ = head;
        await using var __ = broker;
        await using var first = Consumer(head, broker, "hes-1");
        await using var second = Consumer(head, broker, "hes-2");
        using var stop = new CancellationTokenSource();
        var consuming = Task.WhenAll(first.RunAsync(stop.Token), second.RunAsync(stop.Token));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(first.IsSubscribed && second.IsSubscribed), "both consumers subscribed");

        using var fleetStop = new CancellationTokenSource();
        var fleet = head.Fleet.RunAsync(fleetStop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent >= 40), "forty pushes through mosquitto");
        await fleetStop.CancelAsync();
        await fleet.WaitAsync(Bound);
        var sent = head.Fleet.Mqtt!.Sent;
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(first.Pushes + second.Pushes >= sent), "every push consumed");
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.Equal(sent, first.Pushes + second.Pushes);
        Assert.True(first.Pushes > 0 && second.Pushes > 0, $"split {first.Pushes}/{second.Pushes}");
        Assert.Equal(0, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
        foreach (var meter in meters)
        {
            Assert.True(await head.Storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial}");
        }
    }

    [Fact]
    public async Task Disconnect_ThroughMosquitto_ConfirmedByRelayReadBack()
    {
        var (head, broker, meters) = await StartAsync(2, 1);
        await using var _ = head;
        await using var __ = broker;
        await using var consumer = Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed), "the consumer subscribed");

        await DownlinkTests.DisconnectAndReadBackAsync(head, meters, consumer);

        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);
    }

    [Fact]
    public async Task RunAsync_StoppedAtAnyMomentOfConnecting_EndsQuietly()
    {
        // A CI run stopped a consumer between its CONNACK and its SUBACK, and MQTTnet's exception for the cut-short
        // SUBSCRIBE escaped RunAsync (so does its MqttConnectingFailedException for a cut-short CONNECT, seen here).
        // Stops spread over the first ~60 ms of a connection hit every step.
        var (head, broker, _) = await StartAsync(1, 1, run: false);
        await using var _1 = head;
        await using var _2 = broker;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await using var consumer = Consumer(head, broker, "hes-stop-" + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var stop = new CancellationTokenSource();
            var consuming = consumer.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromMilliseconds(attempt * 2));
            await stop.CancelAsync();
            await consuming.WaitAsync(Bound);
        }
    }
}
