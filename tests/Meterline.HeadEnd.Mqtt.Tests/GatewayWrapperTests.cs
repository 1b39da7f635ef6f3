using System.Net;
using Meterline.Dlms.Links;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Control;
using Meterline.Simulator.Push;
using PushDestination = Meterline.Simulator.Push.PushDestination;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// Meters on DLMS/TCP links to <c>meterline gateway --broker … --wrapper-listen …</c>: simulated meters connecting to
/// the gateway over the IEC 62056-47 wrapper, the gateway's bridge, a real mosquitto with the generated password and
/// ACL files, and a head-end on SQLite consuming from it — the head-end has no TCP link to any meter.
/// </summary>
public sealed class GatewayWrapperTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    [Fact]
    public async Task Push_FromMetersOverTcpThroughGatewayAndMosquitto_EveryDeliveredPushStoredOnce()
    {
        var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var head = await MqttHeadEnd.StartAsync(broker: false);
        await using var _ = head;
        // The fleet's pushes go over one TCP link to the gateway, as a concentrator's would: each push names its meter.
        var meters = await head.StartFleetAsync(3, speed: 120, new PushDestination(PushTransport.Tcp, "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), run: false);
        var password = Credentials.MqttPassword.Generate();
        await using var broker = await Mosquitto.StartAsync([], [(GatewayBridge.User, password, [.. meters.Select(m => m.SystemTitle)])]);
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        using var stopFleet = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await using var gateway = WrapperGateway.Start(listener, broker, password, meters.Select(m => m.SystemTitle));
        var fleet = head.Fleet.RunAsync(stopFleet.Token);

        foreach (var meter in meters)
        {
            await MqttHeadEnd.UntilAsync(async () => await head.Storage.Readings.CountReadingsAsync(meter.Id) > 0, $"readings of {meter.Serial} through the gateway");
        }

        await stopFleet.CancelAsync();
        await fleet.WaitAsync(Bound);
        var delivered = head.Fleet.Snapshot().PushesDelivered;
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Pipeline.Metrics.Accepted >= delivered), $"all {delivered} delivered pushes stored");
        await gateway.StopAsync();
        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);

        Assert.True(delivered >= meters.Count);
        Assert.Equal(delivered, head.Pipeline.Metrics.Accepted);
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);
        Assert.Equal(delivered, gateway.Bridge.Published);
        Assert.Equal(0, gateway.Links.MalformedFrames);
        Assert.Equal(0, gateway.Links.UnknownMeters);
    }

    [Fact]
    public async Task Disconnect_FromTheHeadEndThroughMosquittoGatewayAndTheMetersTcpLink_ConfirmedByRelayReadBack()
    {
        var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var head = await MqttHeadEnd.StartAsync(broker: false);
        await using var _ = head;
        var meters = await head.StartFleetAsync(2, speed: 1, new PushDestination(PushTransport.Tcp, "127.0.0.1", 1), run: false);
        var password = Credentials.MqttPassword.Generate();
        await using var broker = await Mosquitto.StartAsync([], [(GatewayBridge.User, password, [.. meters.Select(m => m.SystemTitle)])]);
        await using var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        using var stop = new CancellationTokenSource();
        var consuming = consumer.RunAsync(stop.Token);
        await using var gateway = WrapperGateway.Start(listener, broker, password, meters.Select(m => m.SystemTitle));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(consumer.IsSubscribed && gateway.Bridge.IsConnected), "the consumer and the gateway connected");

        // The meter connects out to the gateway and names itself with a push (an event's alert: the profile's code 166,
        // maximum demand reset; not the cover-open alarm, after which the meter erases its keys).
        var simulated = head.Fleet.Meters[0];
        await using var meterLink = await TcpLinkMeter.ConnectAsync(simulated, ((IPEndPoint)listener.LocalEndpoint).Port);
        simulated.Meter.Record(166);
        await MqttHeadEnd.UntilAsync(async () => await meterLink.PushAllAsync() >= 0 && meterLink.Pushed > 0, "a push from the meter");
        var meter = meters[0];
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(gateway.Links.IsLinked(meter.SystemTitle.ToString()) && head.Pipeline.Metrics.Accepted >= meterLink.Pushed), "the meter's link named and its pushes stored");

        var connector = head.Connector(new MqttLinkOpener(consumer));
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
        Assert.Equal(0, gateway.Links.RequestsDropped);
        Assert.Equal(meterLink.Pushed, head.Pipeline.Metrics.Accepted);
        Assert.Equal(0, head.Pipeline.Metrics.RejectedTotal);

        await stop.CancelAsync();
        await consuming.WaitAsync(Bound);
    }
}
