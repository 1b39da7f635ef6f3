using System.Buffers.Binary;
using System.Net;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.Zigbee.Emulator;

namespace Meterline.Gateway.Tests;

/// <summary>The concentrator beside the head-end: the gateway protocol over TCP, and pushes forwarded to the head-end.</summary>
public sealed class GatewayServerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GatewayProtocol_OverTcp_UtilityClientReadsAMeterBehindTheCoordinator()
    {
        await using var zigbee = await ZigbeeFleet.StartAsync(2, new LinkModel(), speed: 1, Start);
        await zigbee.Concentrator.DiscoverAsync().WaitAsync(ZigbeeFleet.Bound);
        var server = new GatewayServer(zigbee.Concentrator);
        var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = server.ServeTcpAsync(listener, stop.Token);
        var meter = zigbee.Simulator.Provisioning.Meters[1];
        var address = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(address, meter.ZigbeeAddress!.Value);

        var pipe = await TcpTransport.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, TimeSpan.FromSeconds(5));
        var link = new GatewayClientLink(WrapperLink.Start(pipe, localWPort: 48, remoteWPort: GatewayServer.GatewayWPort), address);
        await using (var client = DlmsClient.Create(link, ZigbeeFleet.UtilityClient(meter), new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) }))
        {
            Assert.True((await client.AssociateAsync().WaitAsync(ZigbeeFleet.Bound)).IsAssociated);
            var name = await client.GetAsync(new CosemAttributeDescriptor(1, new ObisCode(0, 0, 96, 1, 0, 255), 2)).WaitAsync(ZigbeeFleet.Bound);
            Assert.Equal(meter.Id, System.Text.Encoding.ASCII.GetString(Assert.IsType<CosemData.OctetString>(name.Data).Value.Span));
            await client.ReleaseAsync().WaitAsync(ZigbeeFleet.Bound);
        }

        // The server counts a response once its send returned, which may be just after the client read it.
        Assert.True(server.RequestsForwarded >= 3);
        var deadline = DateTime.UtcNow + ZigbeeFleet.Bound;
        while (server.ResponsesReturned < server.RequestsForwarded && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(server.RequestsForwarded, server.ResponsesReturned);
        await stop.CancelAsync();
        await serving.WaitAsync(ZigbeeFleet.Bound);
        listener.Dispose();
    }

    [Fact]
    public async Task GatewayProtocol_Garbage_IsCountedAndDropped()
    {
        await using var zigbee = await ZigbeeFleet.StartAsync(1, new LinkModel(), speed: 1, Start);
        var server = new GatewayServer(zigbee.Concentrator);
        var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = server.ServeTcpAsync(listener, stop.Token);
        var pipe = await TcpTransport.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, TimeSpan.FromSeconds(5));
        await using var link = WrapperLink.Start(pipe, localWPort: 48, remoteWPort: GatewayServer.GatewayWPort);

        await link.SendAsync(new byte[] { 0xC0, 0x01, 0xC1 });                       // plain xDLMS, not a gateway PDU
        await link.SendAsync(Convert.FromHexString("E70008" + "0013A2004D540001" + "C0")); // a response sent the wrong way
        await link.SendAsync(Convert.FromHexString("E60002" + "0001" + "C0"));             // a 2-byte address: not a Zigbee radio
        for (var i = 0; i < 100 && server.MalformedRequests < 3; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(3, server.MalformedRequests);
        Assert.Equal(0, server.RequestsForwarded);
        await stop.CancelAsync();
        await serving.WaitAsync(ZigbeeFleet.Bound);
        listener.Dispose();
    }

    [Fact]
    public async Task PushForwarder_MetersPushesReachTheHeadEndsPushReceiverAndAreDeciphered()
    {
        await using var zigbee = await ZigbeeFleet.StartAsync(2, new LinkModel(), speed: 3600, Start);
        using var keys = zigbee.Keys();
        var headEnd = new PushListener(keys, new InvocationCounterGuard());
        var pushListener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = headEnd.ServeTcpAsync(pushListener, stop.Token);
        var forwarder = new PushForwarder(zigbee.Concentrator, "127.0.0.1", ((IPEndPoint)pushListener.LocalEndpoint).Port);
        var forwarding = forwarder.RunAsync(stop.Token);
        await zigbee.Concentrator.DiscoverAsync().WaitAsync(ZigbeeFleet.Bound);
        zigbee.Run();

        var senders = new HashSet<SystemTitle>();
        while (senders.Count < 2)
        {
            senders.Add((await headEnd.Notifications.ReadAsync().AsTask().WaitAsync(ZigbeeFleet.Bound)).Sender);
        }

        await stop.CancelAsync();
        Assert.True(forwarder.Forwarded >= 2);
        Assert.Equal(0, headEnd.UnknownSenders + headEnd.AuthenticationFailures + headEnd.Replays + headEnd.Malformed);
        await Task.WhenAll(serving, forwarding).WaitAsync(ZigbeeFleet.Bound);
        pushListener.Dispose();
    }
}
