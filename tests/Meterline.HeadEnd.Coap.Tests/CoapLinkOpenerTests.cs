using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Control;
using Meterline.Simulator.Coap;

namespace Meterline.HeadEnd.Coap.Tests;

public sealed class CoapLinkOpenerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Connector_OverCoap_ReadsRegistersAndDisconnectsWithRelayReadBack()
    {
        await using var headEnd = await CoapHeadEnd.StartAsync(2, speed: 3600, Start, push: false);
        await using var server = new CoapFleetServer(headEnd.Simulator.Meters);
        var meters = await headEnd.RegisterAsync(m => server.EndpointOf(m.Id));
        headEnd.RunFleet();
        var opener = new CoapLinkOpener();
        var connector = headEnd.Connector([new TcpWrapperLinkOpener(), opener]);
        await Task.Delay(TimeSpan.FromSeconds(1)); // an hour of metering at 3,600x

        var meter = meters[0];
        var simulated = headEnd.Simulator.Meters[0].Meter;
        Assert.True(opener.CanOpen(meter.Endpoint!));
        await using (var session = await connector.OpenAsync(meter).WaitAsync(CoapHeadEnd.Bound))
        {
            var values = await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy]).WaitAsync(CoapHeadEnd.Bound);
            Assert.InRange(Assert.Single(values).Value, 1, (double)simulated.Registers.ImportWh);
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(CoapHeadEnd.Bound));
            await session.RemoteDisconnectAsync().WaitAsync(CoapHeadEnd.Bound);
            Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(CoapHeadEnd.Bound));
        }

        Assert.Equal(DisconnectControlState.Disconnected, simulated.Relay.ControlState);
        Assert.Equal(DisconnectControlState.Connected, headEnd.Simulator.Meters[1].Meter.Relay.ControlState);
    }

    [Theory]
    [InlineData("coap://127.0.0.1:5683/m/MTL1", true)]
    [InlineData("coap://meter.example/m/MTL1", true)]
    [InlineData("coap://127.0.0.1:5683", false)]
    [InlineData("coap://127.0.0.1:5683/m/MTL1?x=1", false)]
    [InlineData("tcp://127.0.0.1:4059", false)]
    public void CanOpen_Endpoints_OnlyCoapWithAPath(string uri, bool expected)
    {
        Assert.Equal(expected, new CoapLinkOpener().CanOpen(new MeterEndpoint(uri)));
    }
}
