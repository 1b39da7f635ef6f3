using System.Net.Sockets;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>The embedded broker with real meters, a real pipeline on SQLite and real MQTTnet clients.</summary>
public sealed class EmbeddedBrokerTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    [Fact]
    public async Task Push_MetersPushOverTheBroker_ReadingsStoredAndEveryPushAcknowledged()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(3, speed: 900);

        foreach (var meter in meters)
        {
            await MqttHeadEnd.UntilAsync(async () => await head.Storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial} stored");
        }

        // The PUBACK reaches the meter just after the commit.
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent >= 3), "the pushes acknowledged");
        Assert.Equal(3, head.Broker!.Logins);
        Assert.Equal(0, head.Broker.RefusedLogins);
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
    }

    [Fact]
    public async Task Connect_WrongPassword_RefusedCountedAndAudited()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(1, run: false);
        var title = meters[0].SystemTitle.ToString();

        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, title, "not-the-password-at-all").Build());
        client.Dispose();

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.BadCredentials));
        await MqttHeadEnd.UntilAsync(async () => (await head.AuditAsync()).Any(a => a.Action == "frame.rejected.bad-credentials"), "the refused login audited");
        Assert.Equal(0, head.Broker!.Logins);
    }

    [Fact]
    public async Task Acl_MeterPublishesToAnothersUpOrSubscribesToAnothersDown_RefusedAndAudited()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(2, run: false);
        var a = head.Fleet.Provisioning.Meters[0];
        var b = meters[1].SystemTitle;
        var (client, connected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, a.SystemTitle.ToString(), a.MqttPassword!).Build());
        using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Up(b)).WithPayload(new byte[20])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(b), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var wildcard = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("meterline/#", MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
        var own = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(meters[0].SystemTitle), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribed.Items).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(wildcard.Items).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(own.Items).ResultCode);
        Assert.Equal(3, head.Broker!.AccessDenied);
        Assert.Equal(3, head.Pipeline.Metrics.Rejected(IngestRejectReason.AccessDenied));
        await MqttHeadEnd.UntilAsync(async () => (await head.AuditAsync()).Any(r => r.Action == "frame.rejected.acl-denied"), "the ACL violation audited");
    }

    [Fact]
    public async Task Connect_ClientIdNotTheUserName_Refused()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        await head.StartFleetAsync(2, run: false);
        var a = head.Fleet.Provisioning.Meters[0];
        var b = head.Fleet.Provisioning.Meters[1];

        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, a.SystemTitle.ToString(), a.MqttPassword!, clientId: b.SystemTitle.ToString()).Build());
        client.Dispose();

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.AccessDenied));
    }

    [Fact]
    public async Task Puback_BatchWriterHeld_NotSentUntilTheCommit()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        head.Readings.Close();
        await head.StartFleetAsync(1, speed: 900);

        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Readings.Attempts.Count > 0), "a batch at the writer");
        await Task.Delay(300);
        Assert.Equal(0, head.Fleet.Mqtt!.Sent);
        Assert.Equal(0, await head.Storage.Readings.CountReadingsAsync());

        head.Readings.Release();
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Sent > 0), "the PUBACK after the commit");
        Assert.True(await head.Storage.Readings.CountReadingsAsync() > 0);
    }
}
