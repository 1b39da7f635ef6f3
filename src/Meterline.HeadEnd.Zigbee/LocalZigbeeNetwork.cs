using Meterline.Gateway;
using Meterline.HeadEnd.Ingest;
using Meterline.Zigbee;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>
/// The head-end's own Zigbee coordinator on a serial port, and what runs over it: the <see cref="ZigbeeConcentrator"/>
/// that carries DLMS to and from the meters' radios, the <see cref="LinkOpener"/> for <c>zigbee://</c> endpoints (give
/// it to <c>DlmsMeterConnector</c>), and the <see cref="PushAdapter"/> that hands the meters' pushes to the ingest
/// pipeline. Created by <see cref="OpenAsync"/>, run by <see cref="RunAsync"/>, and closed by disposing it (the
/// concentrator first, then the coordinator and its serial port).
/// <code>
/// await using var zigbee = await LocalZigbeeNetwork.OpenAsync(
///     new LocalZigbeeNetworkOptions { SerialPort = "/dev/ttyUSB0", BaudRate = 9600 }, ingestPipeline, timeProvider, ct);
/// var connector = new DlmsMeterConnector(keyring, counterAllocator, connectorOptions,
///     [new TcpWrapperLinkOpener(), zigbee.LinkOpener, new GatewayLinkOpener()]);
/// await zigbee.RunAsync(stoppingToken);   // a hosted service: node discovery, then pushes until stopped
/// </code>
/// </summary>
public sealed class LocalZigbeeNetwork : IAsyncDisposable
{
    private readonly bool _discoverAtStart;
    private readonly TimeSpan? _rediscoverEvery;
    private readonly TimeProvider _timeProvider;
    private long _nodesDiscovered;
    private long _discoveries;
    private long _discoveryFailures;
    private int _disposed;

    private LocalZigbeeNetwork(XBeeCoordinator coordinator, ZigbeeConcentrator concentrator, IInboundFrameSink pushSink, LocalZigbeeNetworkOptions options, TimeProvider timeProvider)
    {
        Coordinator = coordinator;
        Concentrator = concentrator;
        LinkOpener = new LocalZigbeeLinkOpener(concentrator);
        PushAdapter = new ZigbeePushAdapter(concentrator.Pushes, pushSink, options.Pushes);
        _discoverAtStart = options.DiscoverAtStart;
        _rediscoverEvery = options.RediscoverEvery;
        _timeProvider = timeProvider;
    }

    public XBeeCoordinator Coordinator { get; }

    public ZigbeeConcentrator Concentrator { get; }

    /// <summary>Opens <c>zigbee://ADDRESS</c> links through this coordinator.</summary>
    public LocalZigbeeLinkOpener LinkOpener { get; }

    /// <summary>Hands the meters' pushes to the sink given at open; <see cref="RunAsync"/> runs it.</summary>
    public ZigbeePushAdapter PushAdapter { get; }

    /// <summary>Nodes the latest completed discovery found.</summary>
    public long NodesDiscovered => Interlocked.Read(ref _nodesDiscovered);

    /// <summary>Discoveries completed, at start and since (<see cref="LocalZigbeeNetworkOptions.RediscoverEvery"/>).</summary>
    public long Discoveries => Interlocked.Read(ref _discoveries);

    /// <summary>Discoveries that failed (the nodes are still learnt from their joins and first frames).</summary>
    public long DiscoveryFailures => Interlocked.Read(ref _discoveryFailures);

    /// <summary>
    /// Opens the coordinator on <see cref="LocalZigbeeNetworkOptions.SerialPort"/> at
    /// <see cref="LocalZigbeeNetworkOptions.BaudRate"/> (8N1, API mode 1 or 2, found at start), reads its settings and
    /// starts the concentrator over it; the meters' pushes will go to <paramref name="pushSink"/> (the ingest pipeline)
    /// once <see cref="RunAsync"/> runs.
    /// </summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="XBeeException">The module does not answer, or is not in API mode.</exception>
    /// <exception cref="IOException">The serial port cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The serial port may not be opened by this user.</exception>
    public static async Task<LocalZigbeeNetwork> OpenAsync(
        LocalZigbeeNetworkOptions options,
        IInboundFrameSink pushSink,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pushSink);
        options.Validate();
        var coordinator = await XBeeCoordinator.OpenAsync(options.SerialPort, options.BaudRate, options.Coordinator, timeProvider, cancellationToken).ConfigureAwait(false);
        try
        {
            return new LocalZigbeeNetwork(coordinator, new ZigbeeConcentrator(coordinator, options.Concentrator, timeProvider), pushSink, options, timeProvider ?? TimeProvider.System);
        }
        catch
        {
            await coordinator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Discovers the nodes (when <see cref="LocalZigbeeNetworkOptions.DiscoverAtStart"/>, and again every
    /// <see cref="LocalZigbeeNetworkOptions.RediscoverEvery"/>) and hands on pushes until
    /// cancelled (then returns normally) or until the network is disposed. When the coordinator's serial link fails, it
    /// stops and throws the coordinator's <see cref="XBeeException"/>.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pushes = PushAdapter.RunAsync(stop.Token);
        var discovery = DiscoverAsync(stop.Token);
        try
        {
            if (await Task.WhenAny(pushes, Coordinator.Completion).ConfigureAwait(false) != pushes)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await pushes.ConfigureAwait(false);
                await Coordinator.Completion.ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await discovery.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Concentrator.DisposeAsync().ConfigureAwait(false);
        await Coordinator.DisposeAsync().ConfigureAwait(false);
    }

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        if (_discoverAtStart)
        {
            await DiscoverOnceAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_rediscoverEvery is not { } every)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await DiscoverOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DiscoverOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var nodes = await Concentrator.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _nodesDiscovered, nodes.Count);
            Interlocked.Increment(ref _discoveries);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (XBeeException)
        {
            Interlocked.Increment(ref _discoveryFailures);
        }
    }
}
