using System.Buffers.Binary;
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
public sealed class XBeeCoordinator : IAsyncDisposable
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
        CancellationToken cancellationToken = default) =>
        StartAsync(XBeeSerialPort.Open(portName, baudRate), options, timeProvider, cancellationToken);

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
        options.Validate();
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

    internal async Task TransmitToAsync(ZigbeeNodeLink node, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var status = await TransmitWithRetriesAsync(node.Address64, node.Address16, node, payload, cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccess)
        {
            throw new XBeeDeliveryException(node.Address64, status, Options.TransmitRetries + 1);
        }
    }

    private async Task<TransmitStatus> TransmitWithRetriesAsync(
        XBeeAddress64 destination64, XBeeAddress16 destination16, ZigbeeNodeLink? node, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"An RF payload is at most NP = {MaxPayload} bytes, not {payload.Length}.", nameof(payload));
        }

        if (node is null)
        {
            _nodes.TryGet(destination64, out node);
        }

        TransmitStatus? last = null;
        TimeoutException? timeout = null;
        for (var attempt = 0; attempt <= Options.TransmitRetries; attempt++)
        {
            if (attempt > 0)
            {
                var backoff = Options.RetryBackoff * Math.Pow(2, Math.Min(attempt - 1, 10));
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            }

            var address16 = node?.Address16 ?? destination16;
            Interlocked.Increment(ref _transmitAttempts);
            try
            {
                last = (TransmitStatus)await RequestAsync(
                    id => new TransmitRequest(id, destination64, address16, Options.BroadcastRadius, Options.TransmitOptions, payload),
                    XBeeFrameType.TransmitStatus,
                    Options.TransmitStatusTimeout,
                    null,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                Interlocked.Increment(ref _transmitTimeouts);
                timeout = e;
                continue;
            }

            if (last.IsSuccess)
            {
                if (node is not null && !last.Destination16.IsUnknown)
                {
                    node.Address16 = last.Destination16;
                }

                return last;
            }

            Interlocked.Increment(ref _transmitFailures);
            if (node is not null && last.Delivery is DeliveryStatus.AddressNotFound or DeliveryStatus.RouteNotFound)
            {
                // The network address went stale (the node rejoined): let the module discover it again.
                node.Address16 = XBeeAddress16.Unknown;
            }
        }

        return last ?? throw new XBeeException($"No transmit status from the module for {destination64}.", isTransient: true, timeout);
    }

    /// <summary>Sends a frame under a fresh frame id and waits for its response. Throws <see cref="TimeoutException"/>.</summary>
    private async Task<XBeeFrame> RequestAsync(
        Func<byte, XBeeFrame> build, XBeeFrameType expected, TimeSpan timeout, Func<XBeeFrame, bool>? collector, CancellationToken cancellationToken)
    {
        var request = await _frameIds.RentAsync(expected, collector, cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(build(request.FrameId), cancellationToken).ConfigureAwait(false);
            return await request.Response.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _frameIds.Release(request);
        }
    }

    private async Task WriteAsync(XBeeFrame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.Encode(_mode);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new XBeeException("Writing to the coordinator module failed.", isTransient: true, e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _mode = await QueryApiModeAsync(cancellationToken).ConfigureAwait(false);
        // NP is under 256 on every XBee Zigbee module; the clamp keeps a transmit request within the frame bound.
        var np = ReadUnsigned(await QueryAsync("NP", cancellationToken).ConfigureAwait(false));
        MaxPayload = (int)Math.Min(np, (ulong)(Options.MaxFrameDataLength - 14));
        if (MaxPayload <= SegmentHeader.Length)
        {
            throw new XBeeException($"The module reports NP = {MaxPayload}, too small to carry a segment.", isTransient: false);
        }

        var high = (uint)ReadUnsigned(await QueryAsync("SH", cancellationToken).ConfigureAwait(false));
        var low = (uint)ReadUnsigned(await QueryAsync("SL", cancellationToken).ConfigureAwait(false));
        Address64 = XBeeAddress64.FromHighLow(high, low);
        Address16 = new XBeeAddress16((ushort)ReadUnsigned(await QueryAsync("MY", cancellationToken).ConfigureAwait(false)));
        NodeDiscoveryTimeout = TimeSpan.FromMilliseconds(100 * ReadUnsigned(await QueryAsync("NT", cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>Asks AP in mode 1 framing, then in mode 2 framing, and adopts the mode the module reports.</summary>
    private async Task<XBeeApiMode> QueryApiModeAsync(CancellationToken cancellationToken)
    {
        foreach (var framing in (XBeeApiMode[])[XBeeApiMode.Api, XBeeApiMode.ApiEscaped])
        {
            _mode = framing;
            AtCommandResponse response;
            try
            {
                response = (AtCommandResponse)await RequestAsync(
                    id => new AtCommand(id, "AP"), XBeeFrameType.AtCommandResponse, Options.StartupQueryTimeout, null, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                continue;
            }

            var mode = response.Status == AtCommandStatus.Ok ? (XBeeApiMode)ReadUnsigned(response) : XBeeApiMode.Transparent;
            return mode is XBeeApiMode.Api or XBeeApiMode.ApiEscaped
                ? mode
                : throw new XBeeException($"The module reports AP = {mode}; the driver needs API mode 1 or 2.", isTransient: false);
        }

        throw new XBeeException("The module answered ATAP in neither API mode 1 nor API mode 2.", isTransient: true);
    }

    private async Task<AtCommandResponse> QueryAsync(string command, CancellationToken cancellationToken)
    {
        var response = await SendAtCommandAsync(command, default, cancellationToken).ConfigureAwait(false);
        return response.Status == AtCommandStatus.Ok
            ? response
            : throw new XBeeException($"AT{command} failed: {response.Status}.", isTransient: false);
    }

    /// <summary>A big-endian unsigned value of up to 8 bytes (AT responses drop leading zero bytes).</summary>
    private static ulong ReadUnsigned(AtCommandResponse response)
    {
        var data = response.Data.Span;
        if (data.IsEmpty || data.Length > 8)
        {
            throw new XBeeException($"AT{response.Command} answered {data.Length} bytes, not a number.", isTransient: false);
        }

        Span<byte> padded = stackalloc byte[8];
        data.CopyTo(padded[(8 - data.Length)..]);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var frames = new XBeeFrameStreamReader(_stream, _reader, () => _mode);
        Exception? error = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await frames.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    error = _stop.IsCancellationRequested ? null : new XBeeException("The coordinator's byte stream ended.", isTransient: true);
                    break;
                }

                Dispatch(frame);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            error = _stop.IsCancellationRequested ? null : new XBeeException("Reading from the coordinator module failed.", isTransient: true, e);
        }
        finally
        {
            Shutdown(error);
        }
    }

    private void Shutdown(Exception? error)
    {
        _frameIds.FailAll(error ?? new ObjectDisposedException(nameof(XBeeCoordinator)));
        _nodes.Close(error);
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    private void Dispatch(XBeeFrame frame)
    {
        switch (frame)
        {
            case AtCommandResponse response:
                Offer(response.FrameId, response);
                break;
            case RemoteAtCommandResponse response:
                Offer(response.FrameId, response);
                break;
            case TransmitStatus status:
                Offer(status.FrameId, status);
                break;
            case ReceivePacket packet:
                Receive(packet.Source64, packet.Source16, packet.Data.Span);
                break;
            case ExplicitRxIndicator packet:
                Receive(packet.Source64, packet.Source16, packet.Data.Span);
                break;
            case NodeIdentificationIndicator indicator:
                _nodes.Observe(indicator.Remote64, indicator.Remote16, indicator.NodeIdentifier, NodeJoinReason.NodeIdentification);
                break;
            case ModemStatus modem:
                Interlocked.Increment(ref _modemStatuses);
                Volatile.Write(ref _lastModemStatus, (int)modem.Status);
                break;
            default:
                Interlocked.Increment(ref _unhandledFrames);
                break;
        }
    }

    private void Offer(byte frameId, XBeeFrame response)
    {
        if (!_frameIds.Offer(frameId, response))
        {
            Interlocked.Increment(ref _unmatchedResponses);
        }
    }

    private void Receive(XBeeAddress64 source64, XBeeAddress16 source16, ReadOnlySpan<byte> data)
    {
        var node = _nodes.Observe(source64, source16, null, NodeJoinReason.FirstHeard);
        if (node is null)
        {
            return;
        }

        if (Reassembler.Accept(source64, data, out var message) == SegmentOutcome.MessageComplete)
        {
            node.Deliver(message!);
        }
    }
}
