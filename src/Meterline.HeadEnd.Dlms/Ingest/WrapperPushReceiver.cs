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
/// remote IP address as its source. Caps connections in total and per IP address, closes idle connections, and drops
/// frames announcing more than the maximum APDU length before reading them; such frames, and bytes or datagrams that
/// are no wrapper frame, are refused at the sink (counted and audited as oversize or malformed). The wrapper has no
/// acknowledgement: a frame lost after this point is found by gap detection and back-filled.
/// </summary>
public sealed class WrapperPushReceiver
{
    private readonly IInboundFrameSink _sink;
    private readonly WrapperPushReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private int _open;
    private long _accepted;
    private long _refused;
    private long _idleClosed;
    private long _frames;
    private long _droppedDatagrams;

    public WrapperPushReceiver(IInboundFrameSink sink, WrapperPushReceiverOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new WrapperPushReceiverOptions();
        _options.Validate();
        _sink = sink;
        _time = time ?? TimeProvider.System;
    }

    public int OpenConnections => Volatile.Read(ref _open);

    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections closed at once because of the total or per-address cap.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _refused);

    public long IdleDisconnects => Interlocked.Read(ref _idleClosed);

    /// <summary>APDUs handed to the pipeline.</summary>
    public long FramesReceived => Interlocked.Read(ref _frames);

    /// <summary>UDP datagrams that were not a wrapper frame for our wPort (those that are no frame, or too large, are also refused at the sink).</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _droppedDatagrams);

    /// <summary>Accepts TCP connections until cancelled, each served by its own read loop; waits for them all before returning.</summary>
    public async Task ServeTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (socket.RemoteEndPoint is not IPEndPoint remote || !TryOpen(remote.Address))
            {
                Interlocked.Increment(ref _refused);
                socket.Dispose();
                return null;
            }

            Interlocked.Increment(ref _accepted);
            return ServeConnectionAsync(socket, remote, cancellationToken);
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

    private bool TryOpen(IPAddress address)
    {
        lock (_lock)
        {
            var fromAddress = _perAddress.GetValueOrDefault(address);
            if (_open >= _options.MaxConnections || fromAddress >= _options.MaxConnectionsPerAddress)
            {
                return false;
            }

            _perAddress[address] = fromAddress + 1;
            _open++;
            return true;
        }
    }

    private void Close(IPAddress address)
    {
        lock (_lock)
        {
            var left = _perAddress.GetValueOrDefault(address) - 1;
            if (left <= 0)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = left;
            }

            _open--;
        }
    }

    private async Task ServeConnectionAsync(Socket socket, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var linkId = "dlms-tcp:" + remote;
        var source = remote.Address.ToString();
        var drops = new WrapperDropReporter(_sink, linkId, source, _options.MaxApduLength);
        try
        {
            await using var pipe = TcpTransport.FromAccepted(socket);
            await using var link = WrapperLink.Start(pipe, _options.LocalWPort, remoteWPort: null, _options.MaxApduLength, _options.InterFrameTimeout, _time);
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    ReadOnlyMemory<byte> apdu;
                    using (var idle = new CancellationTokenSource(_options.IdleTimeout, _time))
                    using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                    {
                        try
                        {
                            apdu = await link.ReceiveAsync(linked.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref _idleClosed);
                            return;
                        }
                    }

                    drops.Report(link.Statistics);
                    Interlocked.Increment(ref _frames);
                    await _sink.SubmitAsync(new InboundFrame(linkId, source, apdu, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                // What the link dropped after its last frame (a connection that only ever sent garbage).
                drops.Report(link.Statistics);
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
            Close(remote.Address);
        }
    }
}
