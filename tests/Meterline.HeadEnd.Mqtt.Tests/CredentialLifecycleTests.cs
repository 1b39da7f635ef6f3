using System.Text;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Mqtt.Topics;
using Meterline.HeadEnd.Readings;
using MQTTnet;
using MQTTnet.Protocol;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>MQTT logins and the ACL across a DLMS key rotation and a re-issued MQTT password.</summary>
public sealed class CredentialLifecycleTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    [Fact]
    public async Task Connect_AfterKeyRotation_PasswordStillAcceptedAclUnchangedAndPushesStored()
    {
        await using var head = await MqttHeadEnd.StartAsync(guard: new IngressGuardOptions { PerMeter = new TokenBucketSettings(50, 500) });
        var meters = await head.StartFleetAsync(2, speed: 300);
        var meter = meters[0];
        var provisioned = head.Fleet.Provisioning.Meters[0];
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Connected == meters.Count), "the meters connected and subscribed");
        var rotation = new KeyRotation(head.Keyring, head.Storage.Keys, new KeyProviderMeterKeyWrapper(head.KeyProvider),
            new DirectoryUpdatingMeterRepository(head.Storage.Meters, head.Pipeline.Directory));

        var outcome = await rotation.RunAsync(meter, head.Connector(new MqttLinkOpener(head.Broker!))).WaitAsync(Bound);

        Assert.Equal(CommandState.Confirmed, outcome.State);
        var rotated = (await head.Storage.Meters.GetAsync(meter.Id))!;
        Assert.Equal(meter.KeyGeneration + 1, rotated.KeyGeneration);
        Assert.Null(await head.Credentials.VerifyAsync(provisioned.SystemTitle.ToString(), Encoding.ASCII.GetBytes("not-the-password-at-all-at-all")));
        Assert.NotNull(await head.Credentials.VerifyAsync(provisioned.SystemTitle.ToString(), Encoding.ASCII.GetBytes(provisioned.MqttPassword!)));

        // A login of its own (it takes the meter's session over; the meter comes back by itself, and may take it back
        // before both checks are done: then the login is tried again, a bounded number of times).
        MqttClientPublishResult? foreign = null;
        MqttClientSubscribeResult? subscribed = null;
        for (var attempt = 1; subscribed is null; attempt++)
        {
            var (client, connected) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, provisioned.SystemTitle.ToString(), provisioned.MqttPassword!).Build());
            using (client)
            {
                Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
                try
                {
                    foreign = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MeterTopics.Up(meters[1].SystemTitle)).WithPayload(new byte[20])
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Bound);
                    subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MeterTopics.Down(meters[1].SystemTitle)).Build()).WaitAsync(Bound);
                }
                catch (Exception) when (!client.IsConnected && attempt < 5)
                {
                    // The meter took its session back (SessionTakenOver) before the checks were done: log in again.
                }
            }
        }

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign!.ReasonCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);

        // The meter pushes with its new keys, through the broker, and they are stored.
        var before = await head.Storage.Readings.CountReadingsAsync(meter.Id);
        await MqttHeadEnd.UntilAsync(async () => await head.Storage.Readings.CountReadingsAsync(meter.Id) > before, "a push under the new keys stored");
        Assert.Equal(0, head.Pipeline.Metrics.Rejected(IngestRejectReason.Replay));
        Assert.Equal(0, head.Broker!.RefusedLogins);
    }

    [Fact]
    public async Task Connect_AfterPasswordReissued_OldRefusedAndAuditedNewAccepted()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(1, run: false);
        var provisioned = head.Fleet.Provisioning.Meters[0];
        var title = provisioned.SystemTitle.ToString();

        var fresh = await head.Credentials.IssueAsync(meters[0].Id, "operator");
        var (old, refused) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, title, provisioned.MqttPassword!).Build());
        old.Dispose();
        var (client, accepted) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(head.BrokerEndpoint, title, fresh).Build());
        client.Dispose();

        Assert.NotEqual(provisioned.MqttPassword, fresh);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
        Assert.Equal(1, head.Pipeline.Metrics.Rejected(IngestRejectReason.BadCredentials));
        await MqttHeadEnd.UntilAsync(async () => (await head.AuditAsync()).Any(a => a.Action == "frame.rejected.bad-credentials"), "the refused login audited");
        var issued = Assert.Single(await head.AuditAsync(), a => a.Action == MqttCredentialStore.IssuedAction && a.Actor == "operator");
        Assert.Equal("{\"version\":2}", issued.Detail);
        Assert.DoesNotContain(fresh, issued.Detail, StringComparison.Ordinal);

        // Another process's store (nothing cached) sees the same: only the newest version is accepted, and one more
        // re-issue retires this one too.
        var other = new MqttCredentialStore(head.Storage.Keys, head.KeyProvider, head.Pipeline.Directory);
        Assert.Null(await other.VerifyAsync(title, Encoding.ASCII.GetBytes(provisioned.MqttPassword!)));
        Assert.NotNull(await other.VerifyAsync(title, Encoding.ASCII.GetBytes(fresh)));
        var third = await other.IssueAsync(meters[0].Id);
        Assert.Null(await head.Credentials.VerifyAsync(title, Encoding.ASCII.GetBytes(fresh)));
        Assert.NotNull(await head.Credentials.VerifyAsync(title, Encoding.ASCII.GetBytes(third)));
    }
}
