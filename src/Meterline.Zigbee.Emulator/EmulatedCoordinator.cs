using System.Threading.Channels;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// An emulated XBee Zigbee coordinator module on the far end of a serial line (normally a <see cref="PseudoTerminal"/>,
/// so a driver opens /dev/pts/N exactly as it would /dev/ttyUSB0). It speaks the API in mode 1 or 2 byte for byte:
/// answers local AT commands (switching mode on ATAP/ATAC), runs node discovery, delivers Transmit Requests to its
/// <see cref="EmulatedNode"/>s over a <see cref="LinkModel"/> and answers with a Transmit Status, forwards what nodes
/// send as Receive Packets, announces joining nodes with a Node Identification Indicator and sends modem statuses at
/// start. Requests for the radio are served one at a time from a bounded queue, as a single radio would.
/// </summary>
public sealed class EmulatedCoordinator : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PseudoTerminal? _terminal;
    private readonly TimeProvider _time;
    private readonly EmulatedAtCommands _at;
    private readonly XBeeFrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly EmulatedNetwork _network;
    private readonly Channel<Func<CancellationToken, Task>> _radioQueue;
    private Task _readLoop = Task.CompletedTask;
    private Task _radioLoop = Task.CompletedTask;
    private long _framesReceived;
    private long _framesSent;
    private long _transmitRequests;
    private long _radioQueueOverflows;
    private long _unsupportedFrames;
    private long _radioErrors;
    private int _disposed;

    private EmulatedCoordinator(Stream stream, PseudoTerminal? terminal, EmulatedCoordinatorOptions options, TimeProvider time)
    {
        _stream = stream;
        _terminal = terminal;
        Options = options;
        _time = time;
        _at = new EmulatedAtCommands(options);
        _reader = new XBeeFrameReader(XBeeApiMode.Api);
        Radio = new Radio(options.Link);
        _network = new EmulatedNetwork(this);
        _radioQueue = Channel.CreateBounded<Func<CancellationToken, Task>>(
            new BoundedChannelOptions(options.RadioQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    public EmulatedCoordinatorOptions Options { get; }

    /// <summary>The device path a driver opens (/dev/pts/N) when the module sits on a pseudo-terminal.</summary>
    public string? DevicePath => _terminal?.SlavePath;

    /// <summary>The module's current API mode (<c>AP</c>).</summary>
    public XBeeApiMode ApiMode => _at.ApiMode;

    public IReadOnlyCollection<EmulatedNode> Nodes => _network.Nodes;

    /// <summary>Good frames received from the PC.</summary>
    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long TransmitRequests => Interlocked.Read(ref _transmitRequests);

    /// <summary>Frames from the PC dropped by the module's frame reader (bad checksum, length, interrupted, malformed).</summary>
    public long FramesDropped => _reader.ChecksumErrors + _reader.LengthErrors + _reader.InterruptedFrames + _reader.MalformedFrames;

    /// <summary>Radio requests refused because the queue was full.</summary>
    public long RadioQueueOverflows => Interlocked.Read(ref _radioQueueOverflows);

    /// <summary>Frames of a type a coordinator does not take from its host.</summary>
    public long UnsupportedFrames => Interlocked.Read(ref _unsupportedFrames);

    /// <summary>Radio work that failed (the serial side closed while answering).</summary>
    public long RadioErrors => Interlocked.Read(ref _radioErrors);

    internal Radio Radio { get; }

    internal TimeProvider Time => _time;

    /// <summary>NT, in 100 ms units, as last set.</summary>
    internal byte NodeDiscoveryTimeout => _at.NodeDiscoveryTimeout;

    /// <summary>What a transmission lost after every MAC retry reports: a MAC ACK failure on one hop, a network ACK
    /// failure across several.</summary>
    internal DeliveryStatus FailureStatus => Options.Link.Hops > 1 ? DeliveryStatus.NetworkAckFailure : DeliveryStatus.MacAckFailure;

    /// <summary>Opens a pseudo-terminal and starts the module on its master side; connect to <see cref="DevicePath"/>.</summary>
    public static EmulatedCoordinator StartOnPseudoTerminal(EmulatedCoordinatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        var terminal = PseudoTerminal.Open();
        try
        {
            return Start(terminal.Master, terminal, options, timeProvider);
        }
        catch
        {
            terminal.Dispose();
            throw;
        }
    }

    /// <summary>Starts the module on any duplex stream (the host's side of the wire is the other end).</summary>
    public static EmulatedCoordinator Start(Stream stream, EmulatedCoordinatorOptions? options = null, TimeProvider? timeProvider = null) =>
        Start(stream, null, options, timeProvider);

    /// <summary>
    /// Adds a remote node (a meter's radio). With <paramref name="announce"/> the module sends a Node Identification
    /// Indicator (0x95, source event "joined"), as a real coordinator does when a node joins; without it the PC first
    /// hears of the node when it sends data.
    /// </summary>
    public EmulatedNode AddNode(XBeeAddress64 address64, XBeeAddress16 address16, string nodeIdentifier, bool announce = true)
    {
        ArgumentNullException.ThrowIfNull(nodeIdentifier);
        var node = new EmulatedNode(this, address64, address16, nodeIdentifier, _time);
        if (!_network.TryAdd(node))
        {
            throw new ArgumentException($"A node with address {address64} exists already.", nameof(address64));
        }

        if (announce && !_radioQueue.Writer.TryWrite(ct => _network.AnnounceAsync(node, ct)))
        {
            Interlocked.Increment(ref _radioQueueOverflows);
        }

        return node;
    }

    public bool TryGetNode(XBeeAddress64 address64, out EmulatedNode node) => _network.TryGet(address64, out node);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _radioQueue.Writer.TryComplete();
        if (_terminal is not null)
        {
            _terminal.Dispose();
        }
        else
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readLoop, _radioLoop).ConfigureAwait(false);
        foreach (var node in _network.Nodes)
        {
            node.Complete();
        }

        _writeLock.Dispose();
        _stop.Dispose();
    }

    internal async Task WriteFrameAsync(XBeeFrame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var mode = _at.ApiMode;
            if (mode == XBeeApiMode.Transparent)
            {
                return;
            }

            await _stream.WriteAsync(frame.Encode(mode), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _framesSent);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, _time, cancellationToken) : Task.CompletedTask;

    private static EmulatedCoordinator Start(Stream stream, PseudoTerminal? terminal, EmulatedCoordinatorOptions? options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new EmulatedCoordinatorOptions();
        options.Validate();
        var coordinator = new EmulatedCoordinator(stream, terminal, options, timeProvider ?? TimeProvider.System);
        foreach (var status in options.StartupModemStatuses)
        {
            coordinator._radioQueue.Writer.TryWrite(ct => coordinator.WriteFrameAsync(new ModemStatus(status), ct));
        }

        coordinator._readLoop = coordinator.ReadLoopAsync();
        coordinator._radioLoop = coordinator.RadioLoopAsync();
        return coordinator;
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var frames = new XBeeFrameStreamReader(_stream, _reader, () => _at.ApiMode is XBeeApiMode.ApiEscaped ? XBeeApiMode.ApiEscaped : XBeeApiMode.Api);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await frames.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    return;
                }

                Interlocked.Increment(ref _framesReceived);
                if (_at.ApiMode != XBeeApiMode.Transparent)
                {
                    await HandleAsync(frame, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The host closed the line; the module has nobody left to answer.
        }
    }

    private async Task RadioLoopAsync()
    {
        await Task.Yield();
        try
        {
            await foreach (var work in _radioQueue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await work(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or XBeeException)
                {
                    Interlocked.Increment(ref _radioErrors);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(XBeeFrame frame, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case AtCommand command:
                await ExecuteAsync(command.FrameId, command.Command, command.Parameter, queued: false, cancellationToken).ConfigureAwait(false);
                break;
            case QueuedAtCommand command:
                await ExecuteAsync(command.FrameId, command.Command, command.Parameter, queued: true, cancellationToken).ConfigureAwait(false);
                break;
            case TransmitRequest request:
                Interlocked.Increment(ref _transmitRequests);
                await EnqueueRadioAsync(
                    request.FrameId, ct => _network.TransmitAsync(request.FrameId, request.Destination64, request.Destination16, request.Data, ct), cancellationToken).ConfigureAwait(false);
                break;
            case ExplicitAddressingCommand request:
                Interlocked.Increment(ref _transmitRequests);
                await EnqueueRadioAsync(
                    request.FrameId, ct => _network.TransmitAsync(request.FrameId, request.Destination64, request.Destination16, request.Data, ct), cancellationToken).ConfigureAwait(false);
                break;
            case RemoteAtCommandRequest request:
                await EnqueueRadioAsync(request.FrameId, ct => _network.RemoteCommandAsync(request, ct), cancellationToken).ConfigureAwait(false);
                break;
            default:
                Interlocked.Increment(ref _unsupportedFrames);
                break;
        }
    }

    private async Task ExecuteAsync(byte frameId, string command, ReadOnlyMemory<byte> parameter, bool queued, CancellationToken cancellationToken)
    {
        if (command == "ND")
        {
            await EnqueueRadioAsync(frameId, ct => _network.DiscoverAsync(frameId, ct), cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = _at.Execute(command, parameter.Span, queued);
        if (frameId != 0)
        {
            await WriteFrameAsync(new AtCommandResponse(frameId, command, result.Status, result.Data), cancellationToken).ConfigureAwait(false);
        }

        if (result.SwitchTo is { } mode)
        {
            _at.SwitchTo(mode);
        }
    }

    /// <summary>Queues radio work; a full queue is answered at once with a resource error, as a busy module does.</summary>
    private async Task EnqueueRadioAsync(byte frameId, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (_radioQueue.Writer.TryWrite(work))
        {
            return;
        }

        Interlocked.Increment(ref _radioQueueOverflows);
        if (frameId != 0)
        {
            await WriteFrameAsync(
                new TransmitStatus(frameId, new XBeeAddress16(0xFFFD), 0, DeliveryStatus.ResourceErrorLackOfBuffers, DiscoveryStatus.NoDiscoveryOverhead),
                cancellationToken).ConfigureAwait(false);
        }
    }
}
