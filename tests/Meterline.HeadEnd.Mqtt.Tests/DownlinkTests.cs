using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.Meter.Control;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>Full DLMS sessions with simulated meters over MQTT: requests on down, responses on up.</summary>
public sealed class DownlinkTests
{
    private static readonly TimeSpan Bound = MqttHeadEnd.Bound;

    internal static async Task DisconnectAndReadBackAsync(MqttHeadEnd head, IReadOnlyList<Meters.Meter> meters, IMqttDownlink downlink)
    {
        var opener = new MqttLinkOpener(downlink);
        var connector = head.Connector(opener);
        var meter = meters[0];
        var simulated = head.Fleet.Meters[0].Meter;
        Assert.True(connector.CanReach(meter.Endpoint!));
        await MqttHeadEnd.UntilAsync(() => Task.FromResult(head.Fleet.Mqtt!.Connected == meters.Count), "the meters connected and subscribed");

        await using (var session = await connector.OpenAsync(meter).WaitAsync(Bound))
        {
            var values = await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy]).WaitAsync(Bound);
            Assert.Single(values, v => v.Quantity == Quantity.CumulativeImportEnergy);
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(Bound));
            await session.RemoteDisconnectAsync().WaitAsync(Bound);
            Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(Bound));
        }

        Assert.Equal(DisconnectControlState.Disconnected, simulated.Relay.ControlState);
        Assert.Equal(0, downlink.Sessions.Open);
    }

    [Fact]
    public async Task Disconnect_OverTheEmbeddedBroker_ConfirmedByRelayReadBack()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(2);

        await DisconnectAndReadBackAsync(head, meters, head.Broker!);
    }

    [Fact]
    public async Task OpenAsync_SecondSessionSameMeterAndClient_RefusedAsTransient()
    {
        await using var head = await MqttHeadEnd.StartAsync();
        var meters = await head.StartFleetAsync(1, run: false);
        var opener = new MqttLinkOpener(head.Broker!);

        await using var first = await opener.OpenAsync(meters[0].Endpoint!, 48);
        var second = await Assert.ThrowsAsync<Meterline.Dlms.Links.DlmsLinkException>(() => opener.OpenAsync(meters[0].Endpoint!, 48));
        Assert.True(second.IsTransient);
        Assert.False(opener.CanOpen(new MeterEndpoint("mqtt://4D4C4D0000000001/extra")));
        Assert.False(opener.CanOpen(new MeterEndpoint("dlms+tcp://127.0.0.1:4059")));
    }
}
