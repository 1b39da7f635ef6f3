using System.Net;
using System.Net.Sockets;
using Meterline.Dlms;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Links;
using Meterline.Simulator.Hosting;

namespace Meterline.Simulator.Tests.Hosting;

/// <summary>The fleet host on loopback TCP, read by a real <see cref="DlmsClient"/> as a head-end reads a meter.</summary>
public sealed class FleetHostTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static TestMeter[] Meters(int count) =>
        Enumerable.Range(0, count).Select(i => new TestMeter($"MTL{i + 1:D8}", 16 + i)).ToArray();

    private static async Task<string> ReadNameAsync(IApduLink link)
    {
        await using var client = DlmsClient.Create(link, new ClientAssociation(new ClientAssociationSettings()), new DlmsClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        var outcome = await client.AssociateAsync();
        Assert.True(outcome.IsAssociated);
        var result = await client.GetAsync(TestMeter.LogicalDeviceName);
        await client.ReleaseAsync();
        var name = Assert.IsType<CosemData.OctetString>(result.Data);
        return System.Text.Encoding.ASCII.GetString(name.Value.Span);
    }

    private static async Task<string> ReadOverWrapperAsync(IPEndPoint endpoint, ushort wPort)
    {
        await using var pipe = await TcpTransport.ConnectAsync("127.0.0.1", endpoint.Port, TimeSpan.FromSeconds(5));
        await using var link = WrapperLink.Start(pipe, 16, wPort);
        return await ReadNameAsync(link);
    }

    private static async Task<string> ReadOverHdlcAsync(IPEndPoint endpoint, HdlcAddress server)
    {
        await using var pipe = await TcpTransport.ConnectAsync("127.0.0.1", endpoint.Port, TimeSpan.FromSeconds(5));
        await using var link = await HdlcLink.ConnectAsync(pipe, HdlcAddress.Client(16), server, new HdlcLinkOptions { ResponseTimeout = TimeSpan.FromSeconds(5) });
        return await ReadNameAsync(link);
    }

    private static async Task<(FleetHost Host, Task Serving, CancellationTokenSource Stop)> StartAsync(IReadOnlyList<IHostedMeter> meters, FleetHostOptions options)
    {
        var host = new FleetHost(meters, options with { Port = 0, ListenAddress = IPAddress.Loopback });
        host.Start();
        var stop = new CancellationTokenSource();
        await Task.Yield();
        return (host, host.RunAsync(stop.Token), stop);
    }

    private static async Task StopAsync(FleetHost host, Task serving, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        await serving.WaitAsync(Bound);
        await host.DisposeAsync();
        stop.Dispose();
    }

    [Fact]
    public async Task SharedPort_Wrapper_RoutesEachConnectionByDestinationWPort()
    {
        var meters = Meters(3);
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions { Framing = FleetFraming.Wrapper });

        var endpoint = Assert.Single(host.Endpoints);
        Assert.Equal("MTL00000002", await ReadOverWrapperAsync(endpoint, 17).WaitAsync(Bound));
        Assert.Equal("MTL00000003", await ReadOverWrapperAsync(endpoint, 18).WaitAsync(Bound));
        Assert.Equal("MTL00000001", await ReadOverWrapperAsync(endpoint, 16).WaitAsync(Bound));

        Assert.Equal(3, host.Statistics.AcceptedConnections);
        Assert.Equal(0, host.Statistics.UnroutableConnections);
        Assert.True(host.Statistics.ApdusAnswered >= 9);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task SharedPort_Hdlc_RoutesEachConnectionByPhysicalAddress()
    {
        var meters = Meters(3);
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions { Framing = FleetFraming.Hdlc });

        var endpoint = Assert.Single(host.Endpoints);
        Assert.Equal("MTL00000003", await ReadOverHdlcAsync(endpoint, HdlcAddress.Server(1, 18, 4)).WaitAsync(Bound));
        Assert.Equal("MTL00000001", await ReadOverHdlcAsync(endpoint, HdlcAddress.Server(1, 16, 4)).WaitAsync(Bound));

        Assert.Equal(2, host.Statistics.AcceptedConnections);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task PortPerMeter_EachMeterAnswersOnItsOwnPort()
    {
        var meters = Meters(3);
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions { PortPerMeter = true });

        Assert.Equal(3, host.Endpoints.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(meters[i].Id, await ReadOverWrapperAsync(host.EndpointOf(i), 1).WaitAsync(Bound));
        }

        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task PortPerMeter_Hdlc_AnswersItsFourByteAddress()
    {
        var meters = Meters(2);
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions { PortPerMeter = true, Framing = FleetFraming.Hdlc });

        Assert.Equal("MTL00000002", await ReadOverHdlcAsync(host.EndpointOf(1), HdlcAddress.Server(1, 17, 4)).WaitAsync(Bound));

        await StopAsync(host, serving, stop);
    }

    [Theory]
    [InlineData(FleetFraming.Wrapper)]
    [InlineData(FleetFraming.Hdlc)]
    public async Task SharedPort_UnknownAddress_ClosedAndCounted(FleetFraming framing)
    {
        var meters = Meters(2);
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions { Framing = framing });
        var endpoint = Assert.Single(host.Endpoints);

        var attempt = framing == FleetFraming.Wrapper
            ? ReadOverWrapperAsync(endpoint, 99)
            : ReadOverHdlcAsync(endpoint, HdlcAddress.Server(1, 99, 4));
        await Assert.ThrowsAnyAsync<DlmsException>(() => attempt.WaitAsync(Bound));

        await WaitUntilAsync(() => host.Statistics.UnroutableConnections == 1);
        Assert.Equal(0, host.Statistics.AcceptedConnections);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task SharedPort_Garbage_ClosedAndCounted()
    {
        var (host, serving, stop) = await StartAsync(Meters(1), new FleetHostOptions { Framing = FleetFraming.Wrapper });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Assert.Single(host.Endpoints));

        await socket.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        var buffer = new byte[16];
        Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound));
        await WaitUntilAsync(() => host.Statistics.UnroutableConnections == 1);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task SharedPort_SilentConnection_ClosedAfterTheFirstFrameTimeout()
    {
        var (host, serving, stop) = await StartAsync(Meters(1), new FleetHostOptions { FirstFrameTimeout = TimeSpan.FromMilliseconds(200) });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Assert.Single(host.Endpoints));

        var buffer = new byte[16];
        Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound));
        await WaitUntilAsync(() => host.Statistics.UnroutableConnections == 1);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task UnpoweredMeter_DoesNotAnswer_AndAnswersAgainWithPower()
    {
        var meters = Meters(1);
        meters[0].Answers = false;
        var (host, serving, stop) = await StartAsync(meters, new FleetHostOptions());
        var endpoint = Assert.Single(host.Endpoints);

        await using (var pipe = await TcpTransport.ConnectAsync("127.0.0.1", endpoint.Port, TimeSpan.FromSeconds(5)))
        await using (var link = WrapperLink.Start(pipe, 16, 16))
        await using (var client = DlmsClient.Create(link, new ClientAssociation(new ClientAssociationSettings()), new DlmsClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) }))
        {
            await Assert.ThrowsAnyAsync<DlmsException>(() => client.AssociateAsync());
        }

        Assert.True(host.Statistics.ApdusWhileUnpowered >= 1);
        Assert.Equal(0, host.Statistics.ApdusAnswered);

        meters[0].Answers = true;
        Assert.Equal("MTL00000001", await ReadOverWrapperAsync(endpoint, 16).WaitAsync(Bound));
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task ConnectionsBeyondTheMeterCap_AreRefusedAndCounted()
    {
        var (host, serving, stop) = await StartAsync(Meters(1), new FleetHostOptions { PortPerMeter = true, MaxConnectionsPerMeter = 1 });
        var endpoint = host.EndpointOf(0);
        using var first = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(endpoint);
        await WaitUntilAsync(() => host.Statistics.AcceptedConnections == 1);

        using var second = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(endpoint);

        var buffer = new byte[16];
        Assert.Equal(0, await second.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound));
        Assert.Equal(1, host.Statistics.RefusedConnections);
        first.Close();
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        var (host, serving, stop) = await StartAsync(Meters(1), new FleetHostOptions { PortPerMeter = true, IdleTimeout = TimeSpan.FromMilliseconds(200) });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host.EndpointOf(0));

        var buffer = new byte[16];
        Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound));
        Assert.Equal(1, host.Statistics.IdleClosed);
        await StopAsync(host, serving, stop);
    }

    [Fact]
    public async Task RunAsync_Cancelled_EndsOpenConnectionsAndReturns()
    {
        var (host, serving, stop) = await StartAsync(Meters(1), new FleetHostOptions { PortPerMeter = true });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host.EndpointOf(0));
        await WaitUntilAsync(() => host.Statistics.OpenConnections == 1);

        await StopAsync(host, serving, stop);

        Assert.Equal(0, host.Statistics.OpenConnections);
    }

    [Fact]
    public void Constructor_DuplicatePhysicalAddress_Throws() =>
        Assert.Throws<ArgumentException>(() => new FleetHost([new TestMeter("A", 16), new TestMeter("B", 16)], new FleetHostOptions()));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time");
            await Task.Delay(10);
        }
    }
}
