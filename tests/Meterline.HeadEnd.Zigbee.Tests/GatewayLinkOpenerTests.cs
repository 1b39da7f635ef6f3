using System.Net;
using Meterline.Dlms.Links;
using Meterline.Gateway;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>
/// The head-end reaching meters through a <c>meterline gateway</c>: the gateway's coordinator on a real
/// pseudo-terminal with emulated radios on a lossy link and real simulated meters, its <see cref="GatewayServer"/> on
/// loopback TCP, and the head-end's DLMS connector with the <see cref="GatewayLinkOpener"/>.
/// </summary>
public sealed class GatewayLinkOpenerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Connector_ThroughAGatewayTenPercentLoss_AssociatesReadsRegistersTheRelayAndTheLoadProfile()
    {
        await using var headEnd = await ZigbeeHeadEnd.StartAsync(2, new LinkModel { LossRate = 0.10, MacRetries = 0, Seed = 5 }, speed: 3600, Start);
        await using var coordinator = await XBeeCoordinator.OpenAsync(headEnd.DevicePath).WaitAsync(ZigbeeHeadEnd.Bound);
        await using var concentrator = new ZigbeeConcentrator(coordinator);
        var gateway = new GatewayServer(concentrator);
        using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = gateway.ServeTcpAsync(listener, stop.Token);
        var meters = await headEnd.RegisterAsync(m => ZigbeeEndpoint.ThroughGateway("127.0.0.1", port, ZigbeeHeadEnd.RadioOf(m)));
        var opener = new GatewayLinkOpener(TimeSpan.FromSeconds(5));
        var connector = headEnd.Connector([new TcpWrapperLinkOpener(), opener]);
        await Task.Delay(TimeSpan.FromSeconds(2.1)); // two hours of metering at 3,600x: eight block profile entries

        for (var i = 0; i < meters.Count; i++)
        {
            var meter = meters[i];
            Assert.StartsWith($"zigbee+gw://127.0.0.1:{port}/0013A2004D54", meter.Endpoint!.ToString(), StringComparison.Ordinal);
            Assert.True(connector.CanReach(meter.Endpoint!));
            await using var session = await connector.OpenAsync(meter).WaitAsync(ZigbeeHeadEnd.Bound);
            var import = Assert.Single(await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy]).WaitAsync(ZigbeeHeadEnd.Bound)).Value;
            Assert.InRange(import, 1, (double)headEnd.Simulator.Meters[i].Meter.Registers.ImportWh);
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ZigbeeHeadEnd.Bound));
            var profile = await session.ReadLoadProfileAsync(meter.Id, Start, Start.AddDays(1)).WaitAsync(ZigbeeHeadEnd.Bound);
            var entries = profile.Select(r => r.Time).Distinct().Count();
            Assert.True(entries >= 8, $"{entries} block entries");
            Assert.All(profile, r => Assert.Equal(meter.Id, r.Meter));
        }

        Assert.True(gateway.RequestsForwarded >= 2 * 8, $"{gateway.RequestsForwarded} requests forwarded");
        // The last session's release may still be on its way through the gateway when the session is disposed: wait,
        // bounded, for every forwarded request to be answered or counted failed.
        using (var settle = new CancellationTokenSource(ZigbeeHeadEnd.Bound))
        {
            while (gateway.ResponsesReturned < gateway.RequestsForwarded - gateway.FailedRequests && !settle.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }

        Assert.True(gateway.ResponsesReturned >= gateway.RequestsForwarded - gateway.FailedRequests,
            $"{gateway.ResponsesReturned} responses for {gateway.RequestsForwarded} requests forwarded, {gateway.FailedRequests} failed");
        Assert.True(headEnd.Radio.Coordinator.AirFramesLost > 0, "the link lost frames");
        await stop.CancelAsync();
        await serving.WaitAsync(ZigbeeHeadEnd.Bound);
    }

    [Fact]
    public async Task Connector_GatewayNotListening_TransientFailure()
    {
        await using var headEnd = await ZigbeeHeadEnd.StartAsync(1, new LinkModel(), speed: 1, Start);
        int port;
        using (var closed = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        var meters = await headEnd.RegisterAsync(m => ZigbeeEndpoint.ThroughGateway("127.0.0.1", port, ZigbeeHeadEnd.RadioOf(m)));
        var connector = headEnd.Connector([new GatewayLinkOpener(TimeSpan.FromSeconds(5))]);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => connector.OpenAsync(meters[0]).WaitAsync(ZigbeeHeadEnd.Bound));

        Assert.True(failure.IsTransient);
        Assert.False(failure.Refused);
    }
}
