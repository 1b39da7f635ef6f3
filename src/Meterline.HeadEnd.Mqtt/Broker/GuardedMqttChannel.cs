using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Framing;
using MQTTnet.Channel;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// One accepted client connection as MQTTnet's channel adapter reads it, with a <see cref="MqttStreamGuard"/> between
/// the socket and the parser: bytes reach MQTTnet only after the guard has judged the fixed header they belong to, so
/// an announced length over the limit never becomes an allocation. A violation, or the connection gate asking, ends the
/// stream (the parser sees end of stream and MQTTnet closes the connection). A publish refused for its quota pauses
/// the reading (<see cref="OnQuota"/>), so that TCP flow control holds a flood back. Owns the stream and the gate lease.
/// <para>
/// An idle connection holds as little as it can (BENCHMARKS.md, "Memory per connected meter"): its pending read is a
/// zero-byte read without a buffer and without a cancellation token, closing wakes it by shutting the socket down, and
/// the gate's and MQTTnet's tokens are each registered once (MQTTnet reads with one token for the connection's life),
/// not linked afresh for every read.
/// </para>
/// </summary>
internal sealed class GuardedMqttChannel : IMqttChannel
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
        MqttStreamGuardOptions guardOptions, Action<GuardedMqttChannel, MqttGuardResult> onViolation, MqttBrokerOptions brokerOptions, TimeProvider time)
    {
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

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (cancellationToken != _readToken)
        {
            // MQTTnet reads the CONNECT with a timeout's token, then everything else with the connection's: each is
            // registered once and closes the channel when cancelled (what cancelling MQTTnet's read means).
            _readCancellation.Dispose();
            _readToken = cancellationToken;
            _readCancellation = cancellationToken.UnsafeRegister(CloseCallback, this);
        }

        if (Interlocked.Exchange(ref _pendingPauseTicks, 0) is > 0 and var pause && !await PauseAsync(TimeSpan.FromTicks(pause), cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        while (true)
        {
            if (_passEnd > _passStart)
            {
                var n = Math.Min(count, _passEnd - _passStart);
                Buffer.BlockCopy(_raw!, _passStart, buffer, offset, n);
                _passStart += n;
                if (_passStart == _rawEnd)
                {
                    // Everything read is delivered (none held for the guard): give the buffer back until more arrives.
                    ArrayPool<byte>.Shared.Return(_raw!);
                    _raw = null;
                    _passStart = _passEnd = _rawEnd = 0;
                }

                return n;
            }

            if (IsClosed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return 0;
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

                    cancellationToken.ThrowIfCancellationRequested();
                    return 0;
                }

                _rawEnd = read;
                Lease.Touch();
            }
            else if (!_guard.IsAuthenticated)
            {
                // Bytes after the CONNECT, and the parser wants more although the client did not authenticate.
                Close();
                return 0;
            }

            var result = _guard.Inspect(_raw!.AsSpan(_passEnd, _rawEnd - _passEnd));
            if (result.Status == MqttGuardStatus.Violation)
            {
                // Counted and audited first: closing shuts the socket down, and the peer may look at once.
                _onViolation(this, result);
                Close();
                return 0;
            }

            if (result.Status == MqttGuardStatus.Hold && result.Passable == 0 && _passEnd == _passStart)
            {
                // Held bytes are all there is and the client has not authenticated: the parser waits for the CONNECT
                // verdict, so there is nothing to give it.
                Close();
                return 0;
            }

            _passEnd += result.Passable;
        }
    }

    /// <summary>Leaves the connection unread for <paramref name="pause"/>; false when it closed meanwhile.</summary>
    private async Task<bool> PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
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

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        foreach (var segment in buffer)
        {
            await _stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }

        if (isEndOfPacket)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
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
