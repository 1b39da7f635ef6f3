using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// Receives meters' pushes over the IEC 62056-47 wrapper — TCP (port 4059) or UDP — and hands each APDU to the ingest
/// pipeline as an <see cref="InboundFrame"/> with link id <c>dlms-tcp:{remote}</c> or <c>dlms-udp:{remote}</c> and the
/// remote IP address as its source. Each TCP connection needs a slot of the node's <see cref="ConnectionGate"/> (caps
/// per address and in total, shared with the other ingress transports); it counts as authenticated once the pipeline
/// queues one of its frames, and is closed when the gate says so (silent before that, idle after, or evicted for a
/// newer connection). Frames announcing more than the maximum APDU length are dropped before they are read; such
/// frames, and bytes or datagrams that are no wrapper frame, are refused at the sink (counted and audited as oversize
/// or malformed); a frame whose bytes stop part-way for the inter-frame timeout (a header then silence, one byte a
/// second) closes the connection and is refused as a slow sender. A UDP socket is read by a thread of its own
/// (<see cref="UdpDatagramReceiver"/>) into a bounded queue that <see cref="ServeUdpAsync"/> drains, so a busy thread
/// pool does not leave datagrams to overflow the kernel's receive buffer; a datagram that finds the queue full is
/// dropped and counted (<see cref="UdpQueueFullDrops"/>). Disposing the receiver stops its UDP threads. The wrapper
/// has no acknowledgement: a frame lost after this point is found by gap detection and back-filled.
/// </summary>
public sealed partial class WrapperPushReceiver : IDisposable
{
    private readonly IInboundFrameSink _sink;
    private readonly WrapperPushReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _udpLock = new();
    private readonly List<UdpDatagramReceiver> _udp = [];
    private long _udpQueueFullDrops;
    private bool _disposed;
    private long _accepted;
    private long _refused;
    private long _gateClosed;
    private long _frames;
    private long _droppedDatagrams;
    private long _closedCount;
    private long _quotaPauses;

    /// <param name="sink">The ingest pipeline.</param>
    /// <param name="gate">The node's connection gate; without one the receiver has a gate of its own with default limits.</param>
    /// <param name="options">Framing limits.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where a UDP receive buffer smaller than asked is reported.</param>
    public WrapperPushReceiver(IInboundFrameSink sink, ConnectionGate? gate = null, WrapperPushReceiverOptions? options = null, TimeProvider? time = null, ILogger<WrapperPushReceiver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new WrapperPushReceiverOptions();
        _options.Validate();
        _sink = sink;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Gate = gate ?? new ConnectionGate(sink, time: _time);
    }

    /// <summary>The gate that admits this receiver's TCP connections.</summary>
    public ConnectionGate Gate { get; }

    /// <summary>TCP connections this receiver has open now.</summary>
    public int OpenConnections => (int)(Interlocked.Read(ref _accepted) - Interlocked.Read(ref _closedCount));

    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections closed at once because the gate refused them.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _refused);

    /// <summary>Connections closed because the gate asked (idle, silent, or evicted; see <see cref="ConnectionGate"/>).</summary>
    public long GateClosed => Interlocked.Read(ref _gateClosed);

    /// <summary>APDUs handed to the pipeline.</summary>
    public long FramesReceived => Interlocked.Read(ref _frames);

    /// <summary>Times a TCP connection was left unread because a frame of it was over its source's quota.</summary>
    public long QuotaPauses => Interlocked.Read(ref _quotaPauses);

    /// <summary>UDP datagrams that were not a wrapper frame for our wPort (those that are no frame, or too large, are also refused at the sink).</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _droppedDatagrams);

    /// <summary>
    /// UDP datagrams read from the socket and dropped unread because the receive queue was full: lost by this node
    /// (not by the kernel), never refused at the sink, and not counted in <see cref="DroppedDatagrams"/>.
    /// </summary>
    public long UdpQueueFullDrops
    {
        get
        {
            lock (_udpLock)
            {
                return Interlocked.Read(ref _udpQueueFullDrops) + _udp.Sum(r => r.QueueFullDrops);
            }
        }
    }

    /// <summary>UDP datagrams read and waiting in the receive queues now.</summary>
    public int UdpQueueDepth
    {
        get
        {
            lock (_udpLock)
            {
                return _udp.Sum(r => r.QueueDepth);
            }
        }
    }

    /// <summary>UDP receive threads running now (one per socket being served).</summary>
    public int UdpReceiveThreads
    {
        get
        {
            lock (_udpLock)
            {
                return _udp.Count(r => r.IsRunning);
            }
        }
    }

    /// <summary>Accepts TCP connections until cancelled, each served by its own read loop; waits for them all before returning.</summary>
    public async Task ServeTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (socket.RemoteEndPoint is not IPEndPoint remote
                || Gate.TryOpen("dlms-tcp:" + remote, remote.Address.ToString()) is not { } lease)
            {
                Interlocked.Increment(ref _refused);
                socket.Dispose();
                return null;
            }

            Interlocked.Increment(ref _accepted);
            return ServeConnectionAsync(socket, remote, lease, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives UDP datagrams (one wrapper frame each) on a bound socket until cancelled or disposed: asks for the
    /// configured SO_RCVBUF (a warning when the kernel grants less), starts the socket's receive thread, and decodes
    /// and submits what it queues. Returns once the thread has stopped.
    /// </summary>
    public async Task ServeUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        UdpDatagramReceiver receiver;
        lock (_udpLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions
            {
                ReceiveBufferSize = _options.UdpReceiveBufferSize,
                QueueCapacity = _options.UdpQueueCapacity,
                QueueBytes = _options.UdpQueueBytes,
                MaxDatagramLength = _options.MaxApduLength + WrapperFrame.HeaderLength,
                Clock = _time,
            });
            _udp.Add(receiver);
        }

        if (receiver.ReceiveBufferClamped)
        {
            LogReceiveBufferClamped(_logger, socket.LocalEndPoint?.ToString() ?? "?", _options.UdpReceiveBufferSize ?? 0, receiver.EffectiveReceiveBufferSize);
        }

        try
        {
            await foreach (var datagram in receiver.Datagrams.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (datagram)
                {
                    await SubmitDatagramAsync(datagram, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            receiver.Dispose();
            lock (_udpLock)
            {
                _udp.Remove(receiver);
                Interlocked.Add(ref _udpQueueFullDrops, receiver.QueueFullDrops);
            }
        }
    }

    /// <summary>Stops the UDP receive threads (each within its bounded wait); the serving tasks then return.</summary>
    public void Dispose()
    {
        UdpDatagramReceiver[] receivers;
        lock (_udpLock)
        {
            _disposed = true;
            receivers = [.. _udp];
        }

        foreach (var receiver in receivers)
        {
            receiver.Dispose();
        }
    }

    private async ValueTask SubmitDatagramAsync(ReceivedDatagram datagram, CancellationToken cancellationToken)
    {
        var remote = datagram.Remote;
        if (datagram.Truncated)
        {
            Interlocked.Increment(ref _droppedDatagrams);
            _sink.RejectUnread("dlms-udp:" + remote, remote.Address.ToString(), IngestRejectReason.Oversize,
                string.Create(CultureInfo.InvariantCulture, $"a {datagram.DatagramLength}-byte datagram, more than a frame of the largest APDU ({_options.MaxApduLength})"));
            return;
        }

        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(datagram.Bytes);
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _droppedDatagrams);
            _sink.RejectUnread("dlms-udp:" + remote, remote.Address.ToString(), IngestRejectReason.Malformed,
                string.Create(CultureInfo.InvariantCulture, $"a {datagram.DatagramLength}-byte datagram that is no wrapper frame"));
            return;
        }

        if (frame.Apdu.Length > _options.MaxApduLength)
        {
            Interlocked.Increment(ref _droppedDatagrams);
            _sink.RejectUnread("dlms-udp:" + remote, remote.Address.ToString(), IngestRejectReason.Oversize,
                string.Create(CultureInfo.InvariantCulture, $"a {frame.Apdu.Length}-byte APDU, more than {_options.MaxApduLength}"));
            return;
        }

        if (frame.DestinationWPort != _options.LocalWPort)
        {
            Interlocked.Increment(ref _droppedDatagrams);
            return;
        }

        Interlocked.Increment(ref _frames);
        await _sink.SubmitAsync(new InboundFrame("dlms-udp:" + remote, remote.Address.ToString(), frame.Apdu, datagram.ReceivedAt), cancellationToken).ConfigureAwait(false);
    }

    private async Task ServeConnectionAsync(Socket socket, IPEndPoint remote, ConnectionLease lease, CancellationToken cancellationToken)
    {
        var linkId = lease.LinkId;
        var source = lease.Source;
        var drops = new WrapperDropReporter(_sink, linkId, source, _options.MaxApduLength, _options.InterFrameTimeout);
        try
        {
            await using var pipe = TcpTransport.FromAccepted(socket);
            await using var link = WrapperLink.Start(pipe, _options.LocalWPort, remoteWPort: null, _options.MaxApduLength, _options.InterFrameTimeout, _time, endOnInterFrameTimeout: true);
            try
            {
                using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Closing);
                var pause = _options.MinQuotaPause;
                while (!cancellationToken.IsCancellationRequested)
                {
                    ReadOnlyMemory<byte> apdu;
                    try
                    {
                        apdu = await link.ReceiveAsync(closing.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (lease.Closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _gateClosed);
                        return;
                    }

                    drops.Report(link);
                    Interlocked.Increment(ref _frames);
                    lease.Touch();
                    var admission = await _sink.SubmitAsync(new InboundFrame(linkId, source, apdu, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                    if (admission.Status != FrameAdmissionStatus.Rejected)
                    {
                        lease.Authenticated();
                    }

                    if (admission.Reason == IngestRejectReason.SourceRateLimited)
                    {
                        // Over its source's quota: stop reading for a while, so that TCP flow control holds the rest back.
                        Interlocked.Increment(ref _quotaPauses);
                        try
                        {
                            await Task.Delay(pause, _time, closing.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (lease.Closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref _gateClosed);
                            return;
                        }

                        pause = pause * 2 < _options.MaxQuotaPause ? pause * 2 : _options.MaxQuotaPause;
                    }
                    else
                    {
                        pause = _options.MinQuotaPause;
                    }
                }
            }
            finally
            {
                // What the link dropped after its last frame (a connection that only ever sent garbage).
                drops.Report(link);
            }
        }
        catch (DlmsLinkException)
        {
            // The meter closed the connection or it broke: normal for push connections.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            lease.Dispose();
            Interlocked.Increment(ref _closedCount);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP push listener {Endpoint}: asked for a {Requested}-byte receive buffer, the kernel granted {Effective} bytes (as it reports it; Linux doubles what it grants); raise net.core.rmem_max (docs/deployment.md) or datagrams arriving while the node is busy are dropped by the kernel")]
    private static partial void LogReceiveBufferClamped(ILogger logger, string endpoint, int requested, int effective);
}
