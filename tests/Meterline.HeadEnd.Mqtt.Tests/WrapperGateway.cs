using System.Net.Sockets;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// A <c>meterline gateway --broker … --wrapper-listen …</c> with no serial port, as the command runs one, in the test's
/// process: DLMS/TCP links for the meters on <paramref name="listener"/> and the bridge to a mosquitto, logged in with
/// the gateway's own account.
/// </summary>
internal sealed class WrapperGateway : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TcpListener _listener;
    private readonly Task _serving;
    private readonly Task _running;
    private bool _stopped;

    private WrapperGateway(TcpListener listener, MqttBridgeOptions options)
    {
        _listener = listener;
        Links = new WrapperMeterLinks(options.Meters.Select(m => m.SystemTitle));
        Bridge = new MqttBridge(null, Links, options);
        _running = Bridge.RunAsync(_stop.Token);
        _serving = Links.ServeAsync(listener, Bridge.OfferDurableAsync, _stop.Token);
    }

    public WrapperMeterLinks Links { get; }

    public MqttBridge Bridge { get; }

    public static WrapperGateway Start(TcpListener listener, Mosquitto broker, string password, IEnumerable<MeterSystemTitle> meters, string? spool = null) =>
        new(listener, new MqttBridgeOptions
        {
            Host = "127.0.0.1",
            Port = broker.Endpoint.Port,
            UserName = GatewayBridge.User,
            Password = password,
            Meters = [.. meters.Select(m => new GatewayMeter(m.ToString(), null))],
            SpoolPath = spool,
        });

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        _listener.Dispose();
        await Task.WhenAll(_serving, _running).WaitAsync(MqttHeadEnd.Bound);
        await Bridge.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
