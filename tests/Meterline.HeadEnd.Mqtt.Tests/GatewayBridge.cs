using Meterline.Gateway;
using Meterline.Gateway.Mqtt;
using Meterline.HeadEnd.Meters;
using Meterline.Simulator.Push;
using Meterline.Simulator.Radio;
using Meterline.Zigbee;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// A <c>meterline gateway --broker</c> as the command runs one, in the test's process: the coordinator opened on the
/// emulated module's pseudo-terminal, a concentrator over it and an <see cref="MqttBridge"/> to a mosquitto, logged in
/// with the gateway's own account. <see cref="StopAsync"/> stops it as Ctrl+C does (the bridge spools what it holds).
/// </summary>
internal sealed class GatewayBridge : IAsyncDisposable
{
    public const string User = "meterline-gw-1";

    private readonly CancellationTokenSource _stop = new();
    private readonly XBeeCoordinator _coordinator;
    private readonly ZigbeeConcentrator _concentrator;
    private readonly Task _running;
    private bool _stopped;

    private GatewayBridge(XBeeCoordinator coordinator, MqttBridgeOptions options)
    {
        _coordinator = coordinator;
        _concentrator = new ZigbeeConcentrator(coordinator);
        Bridge = new MqttBridge(_concentrator, options);
        _running = Bridge.RunAsync(_stop.Token);
    }

    public MqttBridge Bridge { get; }

    /// <summary>The gateway's meters as its meters file lists them: every meter of the fleet with a radio.</summary>
    public static IReadOnlyList<GatewayMeter> MetersOf(MqttHeadEnd head) =>
        [.. head.Fleet.Provisioning.Meters.Where(m => m.ZigbeeAddress is not null).Select(m => new GatewayMeter(m.SystemTitle.ToString(), new XBeeAddress64(m.ZigbeeAddress!.Value)))];

    public static async Task<GatewayBridge> StartAsync(string device, Mosquitto broker, string password, IReadOnlyList<GatewayMeter> meters, string? spool = null)
    {
        var coordinator = await XBeeCoordinator.OpenAsync(device).WaitAsync(MqttHeadEnd.Bound);
        return new GatewayBridge(coordinator, new MqttBridgeOptions
        {
            Host = "127.0.0.1",
            Port = broker.Endpoint.Port,
            UserName = User,
            Password = password,
            Meters = meters,
            SpoolPath = spool,
        });
    }

    /// <summary>
    /// A head-end on SQLite with a fleet whose meters all have Zigbee radios behind an emulated coordinator (not yet
    /// running), a private mosquitto that knows the head-end's account and the gateway's (granted only the fleet's
    /// meters), and the head-end's consumer of that broker, running.
    /// </summary>
    public static async Task<(MqttHeadEnd Head, Mosquitto Broker, Uplink.MqttUplinkConsumer Consumer, string GatewayPassword, IReadOnlyList<Meters.Meter> Meters)> StartHeadEndAsync(int meters, double speed)
    {
        var head = await MqttHeadEnd.StartAsync(broker: false);
        // All meters are on the radio: the push destination below carries none of them.
        var registered = await head.StartFleetAsync(meters, speed, new PushDestination(PushTransport.Mqtt, "127.0.0.1", 1), run: false, radio: new ZigbeeFleetOptions());
        var password = Credentials.MqttPassword.Generate();
        var broker = await Mosquitto.StartAsync([], [(User, password, [.. MetersOf(head).Select(m => MeterSystemTitle.Parse(m.SystemTitle))])]);
        var consumer = ExternalBrokerTests.Consumer(head, broker, "hes-1");
        return (head, broker, consumer, password, registered);
    }

    /// <summary>Stops the gateway as Ctrl+C does: the bridge writes what it holds to the spool, then the radio side closes.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        await _running.WaitAsync(MqttHeadEnd.Bound);
        await Bridge.DisposeAsync();
        await _concentrator.DisposeAsync();
        await _coordinator.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
