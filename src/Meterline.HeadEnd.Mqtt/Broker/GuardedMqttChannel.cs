using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Framing;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// One accepted client connection as MQTTnet's server uses it (its <see cref="IMqttChannelAdapter"/>, in place of
/// MQTTnet's <c>MqttChannelAdapter</c> over a channel), with a <see cref="MqttStreamGuard"/> between the socket and
/// the decoder: bytes become a packet only after the guard has judged the fixed header they belong to, so an announced
/// length over the limit never becomes an allocation. A violation, or the connection gate asking, ends the stream
/// (<see cref="ReceivePacketAsync"/> answers null and MQTTnet closes the connection). A publish refused for its quota
/// pauses the reading (<see cref="OnQuota"/>), so that TCP flow control holds a flood back. Owns the stream and the
/// gate lease.
/// <para>
/// An idle connection holds as little as it can (BENCHMARKS.md, "Memory per connected meter"): its pending read is a
/// zero-byte read without a buffer and without a cancellation token, in the one frame of
/// <see cref="ReceivePacketAsync"/>; closing wakes it by shutting the socket down; the gate's and MQTTnet's tokens are
/// each registered once (MQTTnet reads with one token for the connection's life), not linked afresh for every read;
/// packets are decoded and encoded with formatters rented from the broker's <see cref="MqttFormatterPool"/> for the
/// packet's time, and sends take a <see cref="SemaphoreSlim"/> rather than a lock with a queue of waiters made up front.
/// </para>
/// </summary>
internal sealed class GuardedMqttChannel : IMqttChannelAdapter
{
    private const int ReadBufferLength = 4096;

    private static readonly Action<object?> CloseCallback = static state => ((GuardedMqttChannel)state!).Close();

    private readonly Stream _stream;
    private readonly Socket _socket;
    private readonly MqttStreamGuard _guard;
    private readonly Action<GuardedMqttChannel, MqttGuardResult> _onViolation;
    // Rented when bytes arrive and returned once all of them are delivered: an idle connection holds no read buffer.
    private byte[]? _raw;
    // Set once by Close; a quota pause's wait is the only thing that needs a token (made for the pause alone).
    private CancellationTokenSource? _pause;
    private int _closed;
    private readonly TimeProvider _time;
    private readonly MqttBrokerOptions _options;
    private readonly MqttFormatterPool _formatters;
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Its wait handle is never asked for, so it holds nothing to free; a send still in flight when the connection is disposed must be able to release it.")]
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private MqttProtocolVersion _version;
    private long _bytesReceived;
    private long _bytesSent;
    private readonly CancellationTokenRegistration _leaseClosing;
    private CancellationToken _readToken;
    private CancellationTokenRegistration _readCancellation;
    private long _nextPauseTicks;
    private long _pendingPauseTicks;
    private int _passStart;
    private int _passEnd;
    private int _rawEnd;
    private int _disposed;

    /// <param name="stream">The connection's stream (TLS or the socket's), owned from here on.</param>
    /// <param name="socket">The socket under <paramref name="stream"/>: <see cref="Close"/> shuts it down to end a pending read.</param>
    public GuardedMqttChannel(Stream stream, Socket socket, ConnectionLease lease, EndPoint remote, EndPoint local, X509Certificate2? clientCertificate, bool isSecure,
        MqttStreamGuardOptions guardOptions, Action<GuardedMqttChannel, MqttGuardResult> onViolation, MqttBrokerOptions brokerOptions, MqttFormatterPool formatters, TimeProvider time)
    {
        _formatters = formatters;
        _time = time;
        _options = brokerOptions;
        _nextPauseTicks = brokerOptions.MinQuotaPause.Ticks;
        _stream = stream;
        _socket = socket;
        Lease = lease;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        ClientCertificate = clientCertificate!;
        IsSecureConnection = isSecure;
        _guard = new MqttStreamGuard(guardOptions);
        _onViolation = onViolation;
        // Last: a lease already closing calls Close at once.
        _leaseClosing = lease.Closing.UnsafeRegister(CloseCallback, this);
    }

    /// <summary>The meter the client authenticated as (null before).</summary>
    public MeterSystemTitle? Meter { get; private set; }

    public ConnectionLease Lease { get; }

    /// <summary>Whether the client's CONNECT has been accepted.</summary>
    public bool IsAuthenticated => _guard.IsAuthenticated;

    /// <summary>The user name the client authenticated with (its system title for a meter).</summary>
    public string? UserName { get; private set; }

    public X509Certificate2 ClientCertificate { get; }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint LocalEndPoint { get; }

    public bool IsSecureConnection { get; }

    /// <summary>The protocol version the client's CONNECT declared (MQTTnet's server reads nothing else of it).</summary>
    public MqttPacketFormatterAdapter PacketFormatterAdapter => _formatters.VersionOnly(_version);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>The broker accepted the client's credentials: lift the pre-authentication limits and tell the gate.</summary>
    public void Authenticate(string userName, MeterSystemTitle meter)
    {
        UserName = userName;
        Meter = meter;
        _guard.Authenticated();
        Lease.Authenticated();
    }

    /// <summary>
    /// The pipeline's answer to a publish of this connection: over its quota, the next read waits (10 ms, doubling at
    /// each further refusal up to 1 s by default); within it, the pause starts again from the shortest.
    /// </summary>
    /// <returns>Whether a pause was set.</returns>
    public bool OnQuota(bool overQuota)
    {
        if (!overQuota)
        {
            Interlocked.Exchange(ref _nextPauseTicks, _options.MinQuotaPause.Ticks);
            return false;
        }

        var pause = Interlocked.Read(ref _nextPauseTicks);
        Interlocked.Exchange(ref _nextPauseTicks, Math.Min(pause * 2, _options.MaxQuotaPause.Ticks));
        Interlocked.Exchange(ref _pendingPauseTicks, pause);
        return true;
    }

    public Task ConnectAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("A server channel is connected when accepted.");

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    public void ResetStatistics()
    {
        Interlocked.Exchange(ref _bytesReceived, 0);
        Interlocked.Exchange(ref _bytesSent, 0);
    }

    /// <summary>
    /// The next whole packet the guard let through, decoded; null when the connection ended (closed, a violation,
    /// the peer gone, or MQTTnet's token cancelled). One frame waits here for an idle client: the read loop is this
    /// method, with no reader beneath it.
    /// </summary>
    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken != _readToken)
        {
            // MQTTnet reads the CONNECT with a timeout's token, then everything else with the connection's: each is
            // registered once and closes the channel when cancelled (what cancelling MQTTnet's read means).
            _readCancellation.Dispose();
            _readToken = cancellationToken;
            _readCancellation = cancellationToken.UnsafeRegister(CloseCallback, this);
        }

        if (Interlocked.Exchange(ref _pendingPauseTicks, 0) is > 0 and var pause && !await PauseAsync(TimeSpan.FromTicks(pause)).ConfigureAwait(false))
        {
            return null!;
        }

        // The packet in the making: its first byte, its Remaining Length as far as read, and its body.
        var header = 0;
        var first = (byte)0;
        var remaining = 0;
        var lengthKnown = false;
        byte[]? body = null;
        var bodyFill = 0;
        while (true)
        {
            while (_passEnd > _passStart)
            {
                if (!lengthKnown)
                {
                    var next = _raw![_passStart++];
                    if (header == 0)
                    {
                        first = next;
                    }
                    else
                    {
                        // The guard judged this header (at most four length bytes, within the limits) before passing it.
                        remaining |= (next & 0x7F) << (7 * (header - 1));
                        lengthKnown = (next & 0x80) == 0;
                        if (lengthKnown && remaining > 0)
                        {
                            body = new byte[remaining];
                        }
                    }

                    header++;
                }
                else
                {
                    var n = Math.Min(remaining - bodyFill, _passEnd - _passStart);
                    Buffer.BlockCopy(_raw!, _passStart, body!, bodyFill, n);
                    _passStart += n;
                    bodyFill += n;
                }

                if (_passStart == _rawEnd)
                {
                    // Everything read is delivered (none held for the guard): give the buffer back until more arrives.
                    ArrayPool<byte>.Shared.Return(_raw!);
                    _raw = null;
                    _passStart = _passEnd = _rawEnd = 0;
                }

                if (lengthKnown && bodyFill == remaining)
                {
                    return Decode(new ReceivedMqttPacket(first, body is null ? ArraySegment<byte>.Empty : new ArraySegment<byte>(body), header + remaining));
                }
            }

            if (IsClosed)
            {
                return null!;
            }

            if (_rawEnd == _passEnd)
            {
                // Everything read was delivered: read more from the start of the buffer.
                _passStart = _passEnd = _rawEnd = 0;
                int read;
                try
                {
                    // No token: Close shuts the socket down, which ends the read (with no bytes).
                    if (_raw is null)
                    {
                        // A zero-byte read waits for data (or the end of the stream) without a buffer; then rent one.
                        await _stream.ReadAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                        _raw = ArrayPool<byte>.Shared.Rent(ReadBufferLength);
                    }

                    read = await _stream.ReadAsync(_raw.AsMemory(0, ReadBufferLength), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    Close();
                    read = 0;
                }

                if (read == 0 || IsClosed)
                {
                    Close();
                    if (_raw is { } raw)
                    {
                        // The read is over, nothing writes into the buffer any more.
                        _raw = null;
                        ArrayPool<byte>.Shared.Return(raw);
                    }

                    return null!;
                }

                _rawEnd = read;
                Lease.Touch();
            }
            else if (!_guard.IsAuthenticated)
            {
                // Bytes after the CONNECT, and the packet needs more although the client did not authenticate.
                Close();
                return null!;
            }

            var result = _guard.Inspect(_raw!.AsSpan(_passEnd, _rawEnd - _passEnd));
            if (result.Status == MqttGuardStatus.Violation)
            {
                // Counted and audited first: closing shuts the socket down, and the peer may look at once.
                _onViolation(this, result);
                Close();
                return null!;
            }

            if (result.Status == MqttGuardStatus.Hold && result.Passable == 0 && _passEnd == _passStart)
            {
                // Held bytes are all there is and the client has not authenticated: the parser waits for the CONNECT
                // verdict, so there is nothing to give it.
                Close();
                return null!;
            }

            _passEnd += result.Passable;
        }
    }

    /// <summary>
    /// Encodes <paramref name="packet"/> with a rented formatter and writes it (one writer at a time); a broken
    /// connection is reported as MQTTnet's <see cref="MqttCommunicationException"/>, as its own channel adapter does.
    /// </summary>
    public async Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        MqttPacketFormatterAdapter? formatter = null;
        try
        {
            formatter = _formatters.Rent(_version);
            var buffer = formatter.Encode(packet);
            await _stream.WriteAsync(buffer.Packet.AsMemory(), cancellationToken).ConfigureAwait(false);
            foreach (var segment in buffer.Payload)
            {
                await _stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
            }

            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _bytesSent, buffer.Length);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new MqttCommunicationException(e);
        }
        finally
        {
            if (formatter is not null)
            {
                _formatters.Return(formatter);
            }

            _sendLock.Release();
        }
    }

    private MqttPacket Decode(ReceivedMqttPacket received)
    {
        Interlocked.Add(ref _bytesReceived, received.TotalLength);
        if (_version == MqttProtocolVersion.Unknown)
        {
            // The first packet is a CONNECT (the guard saw to it): it says which formatter the connection uses.
            _version = _formatters.Detect(received);
        }

        var formatter = _formatters.Rent(_version);
        try
        {
            return formatter.Decode(received) ?? throw new MqttProtocolViolationException("Received malformed packet.");
        }
        finally
        {
            _formatters.Return(formatter);
        }
    }

    /// <summary>Leaves the connection unread for <paramref name="pause"/>; false when it closed meanwhile.</summary>
    private async Task<bool> PauseAsync(TimeSpan pause)
    {
        // Close cancels the wait (the gate's and MQTTnet's tokens close the channel, each registered once).
        var wait = new CancellationTokenSource();
        Interlocked.Exchange(ref _pause, wait);
        try
        {
            if (!IsClosed)
            {
                await Task.Delay(pause, _time, wait.Token).ConfigureAwait(false);
                return true;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.CompareExchange(ref _pause, null, wait);
            wait.Dispose();
        }

        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close();
        _leaseClosing.Dispose();
        _readCancellation.Dispose();
        _stream.Dispose();
        // The socket's stream owns it, so this is a no-op unless a TLS stream failed to pass its disposal down.
        _socket.Dispose();
        Lease.Dispose();
    }

    private bool IsClosed => Volatile.Read(ref _closed) != 0;

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            Volatile.Read(ref _pause)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The pause ended meanwhile.
        }

        try
        {
            // Ends a pending read (it returns no bytes) and tells the peer; the socket is disposed with the stream.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Not connected any more, or disposed concurrently: nothing to end.
        }
    }
}
