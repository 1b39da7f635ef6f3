using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links;

/// <summary>
/// An APDU link over UDP with the IEC 62056-47 wrapper: one APDU per datagram. A datagram whose header disagrees
/// with its size, or that comes from another address or wPort pair, is counted and dropped.
/// </summary>
public sealed class UdpWrapperLink : IApduLink
{
    private readonly Socket _socket;
    private readonly IPEndPoint _remote;
    private readonly Channel<ReadOnlyMemory<byte>> _received =
        Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(ApduLink.ReceiveQueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _readLoop;

    private UdpWrapperLink(Socket socket, IPEndPoint remote, ushort localWPort, ushort remoteWPort)
    {
        _socket = socket;
        _remote = remote;
        LocalWPort = localWPort;
        RemoteWPort = remoteWPort;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public ushort LocalWPort { get; }

    public ushort RemoteWPort { get; }

    /// <summary>Datagrams dropped: malformed, or not from this link's peer and wPort pair.</summary>
    public long DroppedDatagrams { get; private set; }

    public Task Completion => _readLoop;

    /// <summary>Opens a UDP link to <paramref name="remote"/> from an ephemeral local port.</summary>
    public static UdpWrapperLink Connect(IPEndPoint remote, ushort localWPort, ushort remoteWPort)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            return new UdpWrapperLink(socket, remote, localWPort, remoteWPort);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DlmsLinkException($"Cannot open a UDP socket: {e.SocketErrorCode}", isTransient: true, e);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        var datagram = new WrapperFrame(LocalWPort, RemoteWPort, apdu).ToArray();
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, _remote, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ApduLink.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw e.InnerException as DlmsLinkException ?? new DlmsLinkException("The link is closed", isTransient: true, e.InnerException);
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[ushort.MaxValue + WrapperFrame.HeaderLength];
        EndPoint any = new IPEndPoint(_remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        Exception? failure = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
                if (!_remote.Equals(result.RemoteEndPoint))
                {
                    DroppedDatagrams++;
                    continue;
                }

                WrapperFrame frame;
                try
                {
                    frame = WrapperFrame.DecodeDatagram(buffer.AsSpan(0, result.ReceivedBytes));
                }
                catch (DlmsFormatException)
                {
                    DroppedDatagrams++;
                    continue;
                }

                if (frame.DestinationWPort != LocalWPort || frame.SourceWPort != RemoteWPort || !_received.Writer.TryWrite(frame.Apdu))
                {
                    DroppedDatagrams++;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (ApduLink.Translate(e) is { } translated)
        {
            failure = translated;
        }
        finally
        {
            _received.Writer.TryComplete(failure ?? new DlmsLinkException("The link is closed"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _readLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
