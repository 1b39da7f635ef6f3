using System.Net;
using Meterline.Gateway;
using Meterline.Zigbee;

namespace Meterline.Cli.Demo;

/// <summary>
/// The head-end's side of the demo's Zigbee meters: the XBee coordinator driver on the emulated coordinator's
/// pseudo-terminal (opened as a real /dev/ttyUSB0 would be), an in-process <see cref="ZigbeeConcentrator"/> over it,
/// and a <see cref="PushForwarder"/> that hands the meters' pushes to the node's TCP push receiver.
/// <para>
/// Commands to Zigbee meters plug in here: the provisioning import gives them <c>zigbee://ADDR</c> endpoints, and a
/// session on <see cref="Concentrator"/> (<see cref="ZigbeeConcentrator.OpenSession"/>) is exactly the link a
/// <c>zigbee://</c> link opener of the node's DLMS connector opens. The node is opened before the fleet (the fleet must
/// know where to push), so the opener is handed to the node's connector when the node opens and bound to this
/// concentrator once the pty exists; with it, the pushes can also go straight into the node's pipeline instead of
/// through <see cref="PushForwarder"/> and TCP.
/// </para>
/// </para>
/// </summary>
internal sealed class DemoZigbeeBridge : IAsyncDisposable
{
    private readonly XBeeCoordinator _coordinator;
    private readonly PushForwarder _forwarder;

    private DemoZigbeeBridge(string device, XBeeCoordinator coordinator, ZigbeeConcentrator concentrator, PushForwarder forwarder)
    {
        Device = device;
        _coordinator = coordinator;
        Concentrator = concentrator;
        _forwarder = forwarder;
    }

    /// <summary>The pseudo-terminal the coordinator is on.</summary>
    public string Device { get; }

    public ZigbeeConcentrator Concentrator { get; }

    /// <summary>Radios the coordinator has heard of.</summary>
    public int Nodes => _coordinator.Nodes.Count;

    /// <summary>Pushes handed to the head-end.</summary>
    public long Forwarded => _forwarder.Forwarded;

    /// <summary>Opens the coordinator on <paramref name="device"/> and sets up forwarding to <paramref name="pushReceiver"/>.</summary>
    public static async Task<DemoZigbeeBridge> StartAsync(string device, IPEndPoint pushReceiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pushReceiver);
        var coordinator = await XBeeCoordinator.OpenAsync(device, cancellationToken: cancellationToken).ConfigureAwait(false);
        var concentrator = new ZigbeeConcentrator(coordinator);
        try
        {
            return new DemoZigbeeBridge(device, coordinator, concentrator, new PushForwarder(concentrator, pushReceiver.Address.ToString(), pushReceiver.Port));
        }
        catch
        {
            await concentrator.DisposeAsync().ConfigureAwait(false);
            await coordinator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Forwards pushes until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _forwarder.RunAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Concentrator.DisposeAsync().ConfigureAwait(false);
        await _coordinator.DisposeAsync().ConfigureAwait(false);
    }
}
