using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Links;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;

namespace Meterline.LoadHarness;

/// <summary>
/// <c>ingest --transport gateway</c>'s gateway: the classes <c>meterline gateway --wrapper-listen … --broker … --spool …</c>
/// wires (<see cref="WrapperMeterLinks"/> and an <see cref="MqttBridge"/> with a durable spool, every push flushed
/// before it is published), in the harness's process, logged into the run's mosquitto with a gateway account granted
/// the fleet's topics. The meters' pushes reach it over DLMS/TCP (the wrapper) on a loopback port.
/// </summary>
internal sealed class HarnessGateway : IAsyncDisposable
{
    public const string User = "meterline-gw-bench";

    private readonly CancellationTokenSource _stop = new();
    private readonly TcpListener _listener;
    private readonly Task _running;

    private HarnessGateway(WrapperMeterLinks links, MqttBridge bridge, TcpListener listener)
    {
        Links = links;
        Bridge = bridge;
        _listener = listener;
        bridge.LoadSpool();
        _running = Task.WhenAll(bridge.RunAsync(_stop.Token), links.ServeAsync(listener, bridge.OfferDurableAsync, _stop.Token));
    }

    public WrapperMeterLinks Links { get; }

    public MqttBridge Bridge { get; }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Starts the gateway and waits (at most 60 s) until it is connected to the broker.</summary>
    public static async Task<HarnessGateway> StartAsync(IReadOnlyList<string> systemTitles, IPEndPoint broker, string password, string spool, CancellationToken cancellationToken)
    {
        var links = new WrapperMeterLinks(systemTitles, new WrapperLinksOptions { MaxConnections = Math.Max(1024, systemTitles.Count) });
        var bridge = new MqttBridge(null, links, new MqttBridgeOptions
        {
            Host = broker.Address.ToString(),
            Port = broker.Port,
            UserName = User,
            Password = password,
            Meters = [.. systemTitles.Select(t => new GatewayMeter(t, null))],
            SpoolPath = spool,
        });
        var gateway = new HarnessGateway(links, bridge, TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!bridge.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                await gateway.DisposeAsync();
                throw new TimeoutException("the gateway did not connect to mosquitto within 60 s");
            }

            await Task.Delay(20, cancellationToken);
        }

        return gateway;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Links.FramesReceived:N0} frames on {Links.Accepted:N0} link(s), {Bridge.Spooled:N0} spooled, {Bridge.Published:N0} published, {Bridge.Republished:N0} attempts repeated, {Bridge.SpoolPending:N0} still in the spool, {Bridge.Lost:N0} lost, {Links.KeepTimeouts:N0} links closed waiting for the spool, {Links.MalformedFrames + Links.UnknownMeters:N0} frames dropped");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _running;
        await Bridge.DisposeAsync();
        _stop.Dispose();
    }
}
