using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;

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
/// second) closes the connection and is refused as a slow sender. The wrapper has no acknowledgement: a frame lost after this point is found by gap detection and
/// back-filled.
/// </summary>
public sealed class WrapperPushReceiver
{
    private readonly IInboundFrameSink _sink;
    private readonly WrapperPushReceiverOptions _options;
    private readonly TimeProvider _time;
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
    public WrapperPushReceiver(IInboundFrameSink sink, ConnectionGate? gate = null, WrapperPushReceiverOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new WrapperPushReceiverOptions();
        _options.Validate();
        _sink = sink;
        _time = time ?? TimeProvider.System;
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

    /// <summary>Receives UDP datagrams (one wrapper frame each) on a bound socket until cancelled.</summary>
    public async Task ServeUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var buffer = new byte[ushort.MaxValue + WrapperFrame.HeaderLength];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                if (received.RemoteEndPoint is not IPEndPoint remote)
                {
                    Interlocked.Increment(ref _droppedDatagrams);
                    continue;
                }

                WrapperFrame frame;
                try
                {
                    frame = WrapperFrame.DecodeDatagram(buffer.AsSpan(0, received.ReceivedBytes));
                }
                catch (DlmsFormatException)
                {
                    Interlocked.Increment(ref _droppedDatagrams);
                    _sink.RejectUnread("dlms-udp:" + remote, remote.Address.ToString(), IngestRejectReason.Malformed,
                        string.Create(CultureInfo.InvariantCulture, $"a {received.ReceivedBytes}-byte datagram that is no wrapper frame"));
                    continue;
                }

                if (frame.Apdu.Length > _options.MaxApduLength)
                {
                    Interlocked.Increment(ref _droppedDatagrams);
                    _sink.RejectUnread("dlms-udp:" + remote, remote.Address.ToString(), IngestRejectReason.Oversize,
                        string.Create(CultureInfo.InvariantCulture, $"a {frame.Apdu.Length}-byte APDU, more than {_options.MaxApduLength}"));
                    continue;
                }

                if (frame.DestinationWPort != _options.LocalWPort)
                {
                    Interlocked.Increment(ref _droppedDatagrams);
                    continue;
                }

                Interlocked.Increment(ref _frames);
                await _sink.SubmitAsync(new InboundFrame("dlms-udp:" + remote, remote.Address.ToString(), frame.Apdu, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
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
}
