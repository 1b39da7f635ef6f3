using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Links;

namespace Meterline.Simulator.Hosting;

/// <summary>
/// Serves a fleet of meters over DLMS/TCP, either on one port per meter (port + index; wPort 1, HDLC server address
/// 1/physical) or on one shared port where each connection goes to the meter named by the server address of its
/// first frame (see <see cref="FirstFrameRouter"/>; wPort = physical address). A connection whose first frame names
/// no meter, or that sends none in time, is closed and counted. Each connection runs <see cref="DlmsServer.ServeAsync"/>
/// with its meter's association factory. Connections are capped over the fleet and per meter.
/// <see cref="Start"/> binds the listeners (so a port in use fails at once); <see cref="RunAsync"/> serves them
/// until cancelled and returns once every connection has ended.
/// </summary>
public sealed class FleetHost : IAsyncDisposable
{
    private readonly IReadOnlyList<IHostedMeter> _meters;
    private readonly FleetHostOptions _options;
    private readonly Dictionary<int, int> _indexByAddress = [];
    private readonly DlmsServer[] _servers;
    private readonly int[] _connectionsPerMeter;
    private readonly List<TcpListener> _listeners = [];
    private int _connections;

    public FleetHost(IReadOnlyList<IHostedMeter> meters, FleetHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.PortPerMeter && options.Port != 0 && options.Port + meters.Count - 1 > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The per-meter ports run past 65535");
        }

        _meters = meters;
        _options = options;
        _servers = new DlmsServer[meters.Count];
        _connectionsPerMeter = new int[meters.Count];
        for (var i = 0; i < meters.Count; i++)
        {
            var meter = meters[i];
            if (!_indexByAddress.TryAdd(meter.PhysicalAddress, i))
            {
                throw new ArgumentException($"Two meters have physical address {meter.PhysicalAddress}", nameof(meters));
            }

            _servers[i] = new DlmsServer(meter.CreateAssociation);
        }
    }

    public FleetHostStatistics Statistics { get; } = new();

    /// <summary>The bound endpoints: one shared, or one per meter in fleet order. Empty before <see cref="Start"/>.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _listeners.Select(l => (IPEndPoint)l.LocalEndpoint).ToArray();

    /// <summary>Where meter <paramref name="index"/> listens.</summary>
    public IPEndPoint EndpointOf(int index) => (IPEndPoint)_listeners[_options.PortPerMeter ? index : 0].LocalEndpoint;

    /// <summary>Binds the listening sockets; throws <see cref="SocketException"/> when a port cannot be bound.</summary>
    public void Start()
    {
        if (_listeners.Count > 0)
        {
            throw new InvalidOperationException("The host has already started");
        }

        try
        {
            var count = _options.PortPerMeter ? _meters.Count : 1;
            for (var i = 0; i < count; i++)
            {
                var port = _options.Port == 0 ? 0 : _options.Port + i;
                var listener = new TcpListener(new IPEndPoint(_options.ListenAddress, port));
                _listeners.Add(listener);
                listener.Start(backlog: 128);
            }
        }
        catch
        {
            StopListeners();
            throw;
        }
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled, then waits for every connection to end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_listeners.Count == 0)
        {
            throw new InvalidOperationException("Start the host first");
        }

        try
        {
            await Task.WhenAll(_listeners.Select((listener, i) => AcceptAsync(listener, _options.PortPerMeter ? i : null, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            StopListeners();
        }
    }

    private async Task AcceptAsync(TcpListener listener, int? meterIndex, CancellationToken cancellationToken)
    {
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (Interlocked.Increment(ref _connections) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Statistics.Refused();
                socket.Dispose();
                return null;
            }

            return ServeConnectionAsync(socket, meterIndex, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ServeConnectionAsync(Socket socket, int? meterIndex, CancellationToken cancellationToken)
    {
        Statistics.ConnectionOpened();
        var counted = -1;
        try
        {
            await using var pipe = TcpTransport.FromAccepted(socket);
            var index = meterIndex ?? await RouteAsync(pipe, cancellationToken).ConfigureAwait(false);
            if (index < 0)
            {
                Statistics.Unroutable();
                return;
            }

            if (Interlocked.Increment(ref _connectionsPerMeter[index]) > _options.MaxConnectionsPerMeter)
            {
                Interlocked.Decrement(ref _connectionsPerMeter[index]);
                Statistics.Refused();
                return;
            }

            counted = index;
            Statistics.Accepted();
            await ServeMeterAsync(pipe, index, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DlmsLinkException or IOException or SocketException or ObjectDisposedException)
        {
            // The peer went away while the connection was being set up or closed.
        }
        finally
        {
            if (counted >= 0)
            {
                Interlocked.Decrement(ref _connectionsPerMeter[counted]);
            }

            Interlocked.Decrement(ref _connections);
            Statistics.ConnectionClosed();
        }
    }

    private async Task<int> RouteAsync(StreamDuplexPipe pipe, CancellationToken cancellationToken)
    {
        var address = await FirstFrameRouter.PeekAsync(pipe.Input, _options.Framing, _options.FirstFrameMaxBytes, _options.FirstFrameTimeout, cancellationToken).ConfigureAwait(false);
        return address is { } a && _indexByAddress.TryGetValue(a, out var index) ? index : -1;
    }

    private async Task ServeMeterAsync(StreamDuplexPipe pipe, int index, CancellationToken cancellationToken)
    {
        var meter = _meters[index];
        if (_options.Framing == FleetFraming.Wrapper)
        {
            var wPort = _options.PortPerMeter ? (ushort)Provisioning.FleetAddressing.LogicalDevice : (ushort)meter.PhysicalAddress;
            await using var link = WrapperLink.Start(pipe, wPort, remoteWPort: null);
            var gate = new MeterApduLink(link, meter, Statistics, _options.IdleTimeout);
            await _servers[index].ServeAsync(gate, () => link.RemoteWPort, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var address = HdlcAddress.Server(Provisioning.FleetAddressing.LogicalDevice, meter.PhysicalAddress, 4);
            await using var link = HdlcServerApduLink.Start(pipe, address);
            var gate = new MeterApduLink(link, meter, Statistics, _options.IdleTimeout);
            await _servers[index].ServeAsync(gate, () => link.Client?.Upper, cancellationToken).ConfigureAwait(false);
        }
    }

    private void StopListeners()
    {
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }
    }

    public ValueTask DisposeAsync()
    {
        StopListeners();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
        return ValueTask.CompletedTask;
    }
}
