using System.Threading.Channels;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee;

/// <summary>
/// The driver of a coordinator XBee module in API mode, over any duplex byte stream (a serial port from
/// <see cref="XBeeSerialPort"/>, a pseudo-terminal, a pipe). At start it asks <c>AP</c> (first in mode 1 framing, then
/// mode 2) and adopts that mode, then reads <c>NP</c>, <c>SH</c>/<c>SL</c>, <c>MY</c> and <c>NT</c>. One read loop
/// dispatches responses by frame id (1-255, cycled; time-outs through <see cref="TimeProvider"/>), keeps a 64-bit to
/// 16-bit address table from every received frame and transmit status, and exposes each remote node as a
/// <see cref="ZigbeeNodeLink"/> carrying whole (segmented) messages. Nodes it had not known are announced on
/// <see cref="Joins"/>. Everything is bounded by <see cref="XBeeCoordinatorOptions"/>.
/// </summary>
public sealed partial class XBeeCoordinator : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly XBeeFrameReader _reader;
    private readonly FrameIdTable _frameIds = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly NodeTable _nodes;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private volatile XBeeApiMode _mode = XBeeApiMode.Api;
    private long _transmitAttempts;
    private long _transmitFailures;
    private long _transmitTimeouts;
    private long _unmatchedResponses;
    private long _modemStatuses;
    private long _unhandledFrames;
    private long _malformedDiscoveryResponses;
    private int _lastModemStatus = -1;
    private int _disposed;

    private XBeeCoordinator(Stream stream, XBeeCoordinatorOptions options, TimeProvider time)
    {
        _stream = stream;
        Options = options;
        _time = time;
        _reader = new XBeeFrameReader(XBeeApiMode.Api, options.MaxFrameDataLength);
        Reassembler = new Reassembler(options.Reassembly, time);
        _nodes = new NodeTable(this, options.MaxNodes, options.JoinQueueCapacity, time);
    }

    public XBeeCoordinatorOptions Options { get; }

    /// <summary>The module's API mode (<c>AP</c>), 1 or 2; the codec uses it for every frame.</summary>
    public XBeeApiMode ApiMode => _mode;

    /// <summary>The maximum RF payload (<c>NP</c>), the size of one segment with its header.</summary>
    public int MaxPayload { get; private set; }

    /// <summary>The module's own 64-bit address (<c>SH</c> ‖ <c>SL</c>).</summary>
    public XBeeAddress64 Address64 { get; private set; }

    /// <summary>The module's own network address (<c>MY</c>), 0x0000 for a coordinator.</summary>
    public XBeeAddress16 Address16 { get; private set; }

    /// <summary>The node discovery time-out (<c>NT</c>).</summary>
    public TimeSpan NodeDiscoveryTimeout { get; private set; }

    /// <summary>The reassembly of incoming segmented messages, with its counters.</summary>
    public Reassembler Reassembler { get; }

    /// <summary>Nodes the coordinator did not know before: joined (0x95), first heard from (0x90) or discovered.</summary>
    public ChannelReader<ZigbeeNodeJoin> Joins => _nodes.Joins;

    /// <summary>The nodes known now.</summary>
    public IReadOnlyCollection<ZigbeeNodeLink> Nodes => _nodes.Nodes;

    /// <summary>Completes when the coordinator stops; faulted when the byte stream failed or ended.</summary>
    public Task Completion => _completion.Task;

    public long FramesRead => _reader.FramesRead;

    public long ChecksumErrors => _reader.ChecksumErrors;

    public long LengthErrors => _reader.LengthErrors;

    public long InterruptedFrames => _reader.InterruptedFrames;

    public long MalformedFrames => _reader.MalformedFrames;

    public long GarbageBytes => _reader.GarbageBytes;

    public long TransmitAttempts => Interlocked.Read(ref _transmitAttempts);

    /// <summary>Transmit statuses with a failed delivery status.</summary>
    public long TransmitFailures => Interlocked.Read(ref _transmitFailures);

    /// <summary>Transmit requests with no transmit status in time.</summary>
    public long TransmitTimeouts => Interlocked.Read(ref _transmitTimeouts);

    /// <summary>Responses whose frame id no request was waiting for (late, or of another type).</summary>
    public long UnmatchedResponses => Interlocked.Read(ref _unmatchedResponses);

    /// <summary>Frames from nodes dropped because <see cref="XBeeCoordinatorOptions.MaxNodes"/> were known.</summary>
    public long NodesRefused => _nodes.Refused;

    /// <summary>Join notifications dropped because nobody read <see cref="Joins"/>.</summary>
    public long JoinDrops => _nodes.JoinDrops;

    public long ModemStatuses => Interlocked.Read(ref _modemStatuses);

    /// <summary>Frames of types the coordinator does not act on.</summary>
    public long UnhandledFrames => Interlocked.Read(ref _unhandledFrames);

    /// <summary>Node discovery responses whose data could not be decoded (skipped).</summary>
    public long MalformedDiscoveryResponses => Interlocked.Read(ref _malformedDiscoveryResponses);

    /// <summary>The last modem status the module sent, if any.</summary>
    public ModemStatusCode? LastModemStatus => Volatile.Read(ref _lastModemStatus) is var s and >= 0 ? (ModemStatusCode)s : null;

    /// <summary>Frames pending a response now (at most 255).</summary>
    public int PendingRequests => _frameIds.PendingCount;

    /// <summary>Opens <paramref name="portName"/> (8N1, no handshake) and starts the driver on it.</summary>
    public static Task<XBeeCoordinator> OpenAsync(
        string portName,
        int baudRate = XBeeSerialPort.DefaultBaudRate,
        XBeeCoordinatorOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        (options ?? new XBeeCoordinatorOptions()).Validate();
        return StartAsync(XBeeSerialPort.Open(portName, baudRate), options, timeProvider, cancellationToken);
    }

    /// <summary>
    /// Starts the driver on <paramref name="stream"/>, which it then owns: reads the module's settings and returns once
    /// they are known. Throws <see cref="XBeeException"/> when the module does not answer or is not in API mode.
    /// </summary>
    public static async Task<XBeeCoordinator> StartAsync(
        Stream stream,
        XBeeCoordinatorOptions? options = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new XBeeCoordinatorOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException)
        {
            // The stream was handed over; it is closed on every failure.
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var coordinator = new XBeeCoordinator(stream, options, timeProvider ?? TimeProvider.System);
        coordinator._readLoop = coordinator.ReadLoopAsync();
        try
        {
            await coordinator.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await coordinator.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return coordinator;
    }

    /// <summary>
    /// Sends a local AT command (0x08, applied at once) and returns the module's response; a failed status is a value,
    /// not thrown. A successful <c>ATAP</c> 1 or 2 switches the driver's framing too, from the next frame on.
    /// </summary>
    public async Task<AtCommandResponse> SendAtCommandAsync(string command, ReadOnlyMemory<byte> parameter = default, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = (AtCommandResponse)await RequestAsync(
                id => new AtCommand(id, command, parameter), XBeeFrameType.AtCommandResponse, Options.CommandTimeout, null, cancellationToken).ConfigureAwait(false);
            if (command == "AP" && response.Status == AtCommandStatus.Ok && parameter.Length == 1 && parameter.Span[0] is 1 or 2)
            {
                _mode = (XBeeApiMode)parameter.Span[0];
            }

            return response;
        }
        catch (TimeoutException e)
        {
            throw new XBeeException($"No response to AT{command}.", isTransient: true, e);
        }
    }

    /// <summary>Sends an AT command to a remote module and returns its response.</summary>
    public async Task<RemoteAtCommandResponse> SendRemoteAtCommandAsync(
        XBeeAddress64 destination64,
        XBeeAddress16 destination16,
        string command,
        ReadOnlyMemory<byte> parameter = default,
        RemoteCommandOptions options = RemoteCommandOptions.ApplyChanges,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var response = (RemoteAtCommandResponse)await RequestAsync(
                id => new RemoteAtCommandRequest(id, destination64, destination16, options, command, parameter),
                XBeeFrameType.RemoteAtCommandResponse,
                Options.TransmitStatusTimeout,
                null,
                cancellationToken).ConfigureAwait(false);
            if (response.Status == AtCommandStatus.Ok)
            {
                _nodes.Observe(response.Source64, response.Source16, null, null);
            }

            return response;
        }
        catch (TimeoutException e)
        {
            throw new XBeeException($"No response to remote AT{command} from {destination64}.", isTransient: true, e);
        }
    }

    /// <summary>
    /// Sends one RF payload (at most <see cref="MaxPayload"/> bytes) with the bounded retries, and returns the last
    /// transmit status: success, or the failure after every attempt. Throws <see cref="XBeeException"/> when no
    /// transmit status came at all.
    /// </summary>
    public Task<TransmitStatus> TransmitAsync(
        XBeeAddress64 destination64,
        XBeeAddress16 destination16,
        ReadOnlyMemory<byte> payload,
        CancellationToken cancellationToken = default) =>
        TransmitWithRetriesAsync(destination64, destination16, null, payload, cancellationToken);

    /// <summary>
    /// Runs node discovery (<c>ATND</c>) and collects the responses until the module's final response or the
    /// <c>NT</c> time-out. Discovered nodes join the node table.
    /// </summary>
    public async Task<IReadOnlyList<NodeDiscoveryResponse>> DiscoverNodesAsync(CancellationToken cancellationToken = default)
    {
        var found = new List<NodeDiscoveryResponse>();
        bool Collect(XBeeFrame frame)
        {
            var response = (AtCommandResponse)frame;
            if (response.Data.IsEmpty)
            {
                return true;
            }

            try
            {
                var node = NodeDiscoveryResponse.Decode(response.Data.Span);
                lock (found)
                {
                    if (found.Count < Options.MaxNodes)
                    {
                        found.Add(node);
                    }
                }

                _nodes.Observe(node.Address64, node.Address16, node.NodeIdentifier, NodeJoinReason.Discovered);
            }
            catch (XBeeFrameFormatException)
            {
                Interlocked.Increment(ref _malformedDiscoveryResponses);
            }

            return false;
        }

        try
        {
            await RequestAsync(
                id => new AtCommand(id, "ND"), XBeeFrameType.AtCommandResponse, NodeDiscoveryTimeout + Options.NodeDiscoveryMargin, Collect, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The module's final (empty) response is optional: NT elapsing ends discovery too.
        }

        lock (found)
        {
            return [.. found];
        }
    }

    /// <summary>The link to the node, tracked from now on. Throws when <see cref="XBeeCoordinatorOptions.MaxNodes"/> are known.</summary>
    public ZigbeeNodeLink GetNode(XBeeAddress64 address64) =>
        _nodes.Observe(address64, XBeeAddress16.Unknown, null, null)
        ?? throw new XBeeException($"The node table is full ({Options.MaxNodes} nodes).", isTransient: false);

    public bool TryGetNode(XBeeAddress64 address64, out ZigbeeNodeLink node) => _nodes.TryGet(address64, out node);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        // Closing the stream is what ends a read blocked on a serial port.
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        _frameIds.Dispose();
        _writeLock.Dispose();
        _stop.Dispose();
    }
}
