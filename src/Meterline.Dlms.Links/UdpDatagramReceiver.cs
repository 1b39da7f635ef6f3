using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Meterline.Dlms.Links;

/// <summary>
/// Reads a bound UDP socket on a thread of its own — blocking <see cref="Socket.ReceiveFrom(byte[], int, int, SocketFlags, ref EndPoint)"/>,
/// no thread-pool scheduling in the way — and only moves each datagram into a pooled buffer and a bounded queue
/// (<see cref="Datagrams"/>) for a consumer to decode. When the queue is full (in datagrams or in bytes) the
/// datagram is dropped and counted (<see cref="QueueFullDrops"/>); the thread never waits for the consumer, so the
/// kernel's receive buffer is emptied as fast as datagrams arrive. UDP has no flow control and pushed datagrams are
/// not resent: what overflows the kernel's buffer is lost without a trace in the process (Linux counts it in
/// <c>/proc/net/snmp</c>, <c>RcvbufErrors</c>), which is why the socket also gets a large SO_RCVBUF.
/// <see cref="Dispose"/> stops the thread within <see cref="UdpDatagramReceiverOptions.StopPollInterval"/> (plus
/// scheduling) and returns the buffers of datagrams still queued; the thread also ends when the socket is closed.
/// The receiver does not own the socket.
/// </summary>
public sealed class UdpDatagramReceiver : IDisposable
{
    /// <summary>The receive thread's buffer: any UDP payload fits.</summary>
    internal const int ScratchLength = ushort.MaxValue + 1;

    private readonly Socket _socket;
    private readonly UdpDatagramReceiverOptions _options;
    private readonly Channel<ReceivedDatagram> _queue;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _received;
    private long _queueFullDrops;
    private long _discardedAtStop;
    private long _queuedBytes;

    private UdpDatagramReceiver(Socket socket, UdpDatagramReceiverOptions options)
    {
        _socket = socket;
        _options = options;
        if (options.ReceiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        EffectiveReceiveBufferSize = socket.ReceiveBufferSize;

        // Linux doubles what it grants (for its bookkeeping) and caps the request at net.core.rmem_max.
        ReceiveBufferClamped = options.ReceiveBufferSize is { } asked
            && (long)EffectiveReceiveBufferSize < (OperatingSystem.IsLinux() ? 2L * asked : asked);
        socket.ReceiveTimeout = (int)Math.Ceiling(options.StopPollInterval.TotalMilliseconds);
        _queue = Channel.CreateBounded<ReceivedDatagram>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "udp-receive " + socket.LocalEndPoint,
        };
    }

    /// <summary>Datagrams read, in arrival order; the consumer disposes each. Completes when the thread ends (with the socket error that ended it, if any).</summary>
    public ChannelReader<ReceivedDatagram> Datagrams => _queue.Reader;

    /// <summary>Datagrams read from the socket.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Datagrams read and dropped because the queue was full: lost by this process, not by the kernel.</summary>
    public long QueueFullDrops => Interlocked.Read(ref _queueFullDrops);

    /// <summary>Datagrams still queued when the receiver was disposed, whose buffers were returned unread.</summary>
    public long DiscardedAtStop => Interlocked.Read(ref _discardedAtStop);

    /// <summary>Datagrams waiting for the consumer now.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Bytes of pooled buffers the waiting datagrams hold now.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>SO_RCVBUF as the kernel reports it after the request (on Linux, twice what it grants the data).</summary>
    public int EffectiveReceiveBufferSize { get; }

    /// <summary>True when the kernel granted less than <see cref="UdpDatagramReceiverOptions.ReceiveBufferSize"/> (on Linux: raise <c>net.core.rmem_max</c>).</summary>
    public bool ReceiveBufferClamped { get; }

    /// <summary>True while the receive thread runs.</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>Sets the socket's receive buffer and timeout and starts the receive thread.</summary>
    /// <param name="socket">A bound datagram socket, not read by anyone else.</param>
    /// <param name="options">Limits; the defaults without.</param>
    public static UdpDatagramReceiver Start(Socket socket, UdpDatagramReceiverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.SocketType != SocketType.Dgram || socket.LocalEndPoint is null)
        {
            throw new ArgumentException("A bound datagram socket is needed.", nameof(socket));
        }

        options ??= new UdpDatagramReceiverOptions();
        options.Validate();
        var receiver = new UdpDatagramReceiver(socket, options);
        receiver._thread.Start();
        return receiver;
    }

    /// <summary>Asks the thread to stop and waits for it at most <paramref name="timeout"/>; true when it has ended.</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stopping = true;
        return !_thread.IsAlive || (_thread != Thread.CurrentThread && _thread.Join(timeout));
    }

    /// <summary>Stops the thread (waiting up to four receive timeouts) and returns the buffers of datagrams still queued.</summary>
    public void Dispose()
    {
        Stop(_options.StopPollInterval * 4 + TimeSpan.FromSeconds(1));
        while (_queue.Reader.TryRead(out var datagram))
        {
            Interlocked.Increment(ref _discardedAtStop);
            datagram.Dispose();
        }
    }

    internal void Release(int bufferLength) => Interlocked.Add(ref _queuedBytes, -bufferLength);

    private void Run()
    {
        var scratch = new byte[ScratchLength];
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        Exception? failure = null;
        try
        {
            while (!_stopping)
            {
                EndPoint remote = any;
                int length;
                try
                {
                    length = _socket.ReceiveFrom(scratch, 0, scratch.Length, SocketFlags.None, ref remote);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted && !_stopping)
                {
                    continue;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset && !_stopping)
                {
                    // Windows reports an earlier send's ICMP port-unreachable on the next receive; nothing was lost.
                    continue;
                }

                Interlocked.Increment(ref _received);
                Enqueue(scratch.AsSpan(0, length), (IPEndPoint)remote);
            }
        }
        catch (ObjectDisposedException)
        {
            // The socket's owner closed it: the receiver ends.
        }
        catch (SocketException) when (_stopping || _socket.SafeHandle.IsClosed)
        {
        }
        catch (SocketException e)
        {
            failure = e;
        }
        finally
        {
            _queue.Writer.TryComplete(failure);
        }
    }

    private void Enqueue(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        var kept = Math.Min(datagram.Length, _options.MaxDatagramLength);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(kept, 1));
        if (Interlocked.Add(ref _queuedBytes, buffer.Length) > _options.QueueBytes)
        {
            Release(buffer.Length);
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _queueFullDrops);
            return;
        }

        datagram[..kept].CopyTo(buffer);
        var received = new ReceivedDatagram(this, buffer, kept, datagram.Length, remote, _options.Clock.GetUtcNow());
        if (!_queue.Writer.TryWrite(received))
        {
            received.Dispose();
            Interlocked.Increment(ref _queueFullDrops);
        }
    }
}
