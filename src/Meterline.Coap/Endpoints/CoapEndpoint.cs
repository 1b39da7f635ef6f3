using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// A CoAP endpoint on one UDP socket (IPv4 or IPv6), in both roles: it serves requests to a
/// <see cref="CoapRequestHandler"/> (deduplication, piggybacked or separate responses, Block1 reassembly and Block2
/// responses) and sends requests of its own (<see cref="SendAsync"/>: message ids, random tokens, Confirmable
/// retransmission with exponential back-off, NSTART 1 per peer). <see cref="RunAsync"/> is its one receive loop;
/// every table it keeps is bounded by <see cref="CoapEndpointOptions"/>.
/// </summary>
public sealed partial class CoapEndpoint : IAsyncDisposable
{
    private const int ReceiveBufferSize = 65_536;
    private const int SocketReceiveBufferSize = 1024 * 1024;

    private readonly Socket _socket;
    private readonly CoapEndpointOptions _options;
    private readonly CoapRequestHandler? _handler;
    private readonly MessageDeduplicator _deduplicator;
    private readonly BlockwiseTransfers _blockwise;
    private readonly ConcurrentDictionary<(IPEndPoint Peer, ushort MessageId), TaskCompletionSource<CoapMessage>> _awaitingAck = new();
    private readonly ConcurrentDictionary<(IPEndPoint Peer, ulong Token), TaskCompletionSource<CoapMessage>> _awaitingResponse = new();
    private readonly ConcurrentDictionary<Task, byte> _handling = new();
    private readonly SemaphoreSlim _requestSlots;
    private readonly CancellationTokenSource _stopping = new();
    private int _nextMessageId;
    private int _disposed;
    private long _received;
    private long _malformed;
    private long _oversize;
    private long _rateLimited;
    private long _duplicates;
    private long _resetsSent;
    private long _retransmissions;
    private long _trimmed;
    private long _overloaded;

    private CoapEndpoint(Socket socket, CoapEndpointOptions options, CoapRequestHandler? handler)
    {
        _socket = socket;
        _options = options;
        _handler = handler;
        _deduplicator = new MessageDeduplicator(options.MaxDeduplicationEntries, options.ExchangeLifetime, options.NonLifetime, options.TimeProvider);
        _blockwise = new BlockwiseTransfers(options);
        _requestSlots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _peers = new PeerGates(options.MaxPeers);
        _nextMessageId = RandomNumberGenerator.GetInt32(0, 65_536);
    }

    /// <summary>The address the socket is bound to (with the port the system chose for port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public CoapEndpointOptions Options => _options;

    /// <summary>Datagrams received (before the rate limit).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Datagrams that were no valid CoAP message.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Datagrams above the message size limit, and Block1 bodies above the body limit.</summary>
    public long Oversize => Interlocked.Read(ref _oversize);

    /// <summary>Datagrams refused by <see cref="CoapEndpointOptions.AdmitDatagram"/>.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Duplicate messages (by message id) not handled again.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long ResetsSent => Interlocked.Read(ref _resetsSent);

    /// <summary>Confirmable messages sent again after a timeout.</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>Responses trimmed by the amplification rule.</summary>
    public long AmplificationTrimmed => Interlocked.Read(ref _trimmed);

    /// <summary>Requests answered 5.03 or dropped because the endpoint's tables or request slots were full.</summary>
    public long Overloaded => Interlocked.Read(ref _overloaded);

    /// <summary>Block1 bodies being reassembled now.</summary>
    public int ActiveReassemblies => _blockwise.ActiveReassemblies;

    /// <summary>Message ids remembered for deduplication now.</summary>
    public int DeduplicationEntries => _deduplicator.Count;

    /// <summary>Binds a UDP socket (dual-mode when <paramref name="local"/> is IPv6 Any) and returns the endpoint; call <see cref="RunAsync"/>.</summary>
    /// <param name="local">Where to listen (port 0: the system chooses).</param>
    /// <param name="handler">The server role's handler; null for a client-only endpoint (requests answered 4.04).</param>
    /// <param name="options">Parameters and bounds.</param>
    public static CoapEndpoint Bind(IPEndPoint local, CoapRequestHandler? handler = null, CoapEndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        options ??= new CoapEndpointOptions();
        options.Validate();
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = SocketReceiveBufferSize;
            socket.Bind(local);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new CoapEndpoint(socket, options, handler);
    }

    /// <summary>Receives and handles datagrams until cancelled or disposed, then waits for the requests being handled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var token = linked.Token;
        var buffer = new byte[ReceiveBufferSize];
        EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!token.IsCancellationRequested)
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // An ICMP error reported on the socket (a peer's port closed): nothing to read, go on.
                    continue;
                }

                var remote = Normalize((IPEndPoint)result.RemoteEndPoint);
                Interlocked.Increment(ref _received);
                if (_options.AdmitDatagram is { } admit && !admit(remote))
                {
                    Interlocked.Increment(ref _rateLimited);
                    continue;
                }

                await OnDatagramAsync(remote, buffer.AsMemory(0, result.ReceivedBytes), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
        }
        finally
        {
            await Task.WhenAll(_handling.Keys).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_handling.Keys).ConfigureAwait(false);
        _socket.Dispose();
        foreach (var waiter in _awaitingAck.Values)
        {
            waiter.TrySetCanceled();
        }

        foreach (var waiter in _awaitingResponse.Values)
        {
            waiter.TrySetCanceled();
        }

        _requestSlots.Dispose();
        _stopping.Dispose();
    }

    private static IPEndPoint Normalize(IPEndPoint remote) =>
        remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;

    private async ValueTask OnDatagramAsync(IPEndPoint remote, ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        if (datagram.Length > _options.Limits.MaxMessageSize)
        {
            Interlocked.Increment(ref _oversize);
            _options.Dropped?.Invoke(remote, CoapDropReason.Oversize, datagram.Length);
            await RejectAsync(remote, datagram, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The message keeps slices of its bytes: give it its own copy, exactly as long as the datagram.
        var bytes = datagram.ToArray();
        if (!CoapMessageReader.TryRead(bytes, _options.Limits, out var message, out _))
        {
            Interlocked.Increment(ref _malformed);
            _options.Dropped?.Invoke(remote, CoapDropReason.Malformed, bytes.Length);
            await RejectAsync(remote, bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (message!.Type)
        {
            case CoapMessageType.Acknowledgement when message.IsEmpty || message.Code.IsResponse:
            case CoapMessageType.Reset when message.IsEmpty:
                // §4.2: an ACK or RST that matches no exchange of ours is silently ignored.
                if (_awaitingAck.TryGetValue((remote, message.MessageId), out var waiter))
                {
                    waiter.TrySetResult(message);
                }

                return;
            case CoapMessageType.Acknowledgement or CoapMessageType.Reset:
                // An ACK carrying a request, a non-empty RST: format errors, never answered (§4.2).
                Interlocked.Increment(ref _malformed);
                _options.Dropped?.Invoke(remote, CoapDropReason.Malformed, bytes.Length);
                return;
        }

        if (message.IsEmpty)
        {
            // §4.3: an Empty Confirmable message ("CoAP ping") is answered with a Reset; an Empty NON is ignored.
            if (message.Type == CoapMessageType.Confirmable)
            {
                await SendResetAsync(remote, message.MessageId, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var confirmable = message.Type == CoapMessageType.Confirmable;
        if (message.Code.IsResponse)
        {
            await OnResponseAsync(remote, message, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!message.Code.IsRequest)
        {
            // Classes 1, 3, 6 and 7 are reserved: a CON is rejected (§4.2), a NON ignored.
            if (confirmable)
            {
                await SendResetAsync(remote, message.MessageId, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        switch (_deduplicator.Register(remote, message.MessageId, confirmable, out var reply))
        {
            case DeduplicationResult.Duplicate:
                Interlocked.Increment(ref _duplicates);
                if (confirmable && reply is not null)
                {
                    await SendBytesAsync(remote, reply, cancellationToken).ConfigureAwait(false);
                }

                return;
            case DeduplicationResult.Full:
                Interlocked.Increment(ref _overloaded);
                return;
        }

        if (!_requestSlots.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _overloaded);
            await ReplyAsync(remote, message, bytes.Length, CoapResponse.Of(CoapCode.ServiceUnavailable), cancellationToken).ConfigureAwait(false);
            return;
        }

        var handling = HandleRequestAsync(remote, message, bytes.Length, cancellationToken);
        if (!handling.IsCompleted)
        {
            _handling.TryAdd(handling, 0);
            _ = handling.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _handling, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async ValueTask RejectAsync(IPEndPoint remote, ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        // §4.2: a Confirmable message with a format error is rejected with a matching Reset; §4.3: a Non-confirmable
        // one is silently ignored (a Reset is allowed, not required); an ACK or RST is never answered; unknown
        // versions and datagrams shorter than the header have nothing to match and are ignored (§3).
        if (CoapMessageHeader.TryDecode(datagram.Span, out var header) && header.Value.Version == CoapMessage.Version && header.Value.Type == CoapMessageType.Confirmable)
        {
            await SendResetAsync(remote, header.Value.MessageId, cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask SendResetAsync(IPEndPoint remote, ushort messageId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resetsSent);
        return SendBytesAsync(remote, CoapMessageWriter.Encode(CoapMessage.Empty(CoapMessageType.Reset, messageId)), cancellationToken);
    }

    private async ValueTask SendBytesAsync(IPEndPoint remote, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(bytes, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // UDP: a send that fails is a datagram lost; the message layer retransmits what matters.
        }
    }

    private ushort NextMessageId() => (ushort)Interlocked.Increment(ref _nextMessageId);
}
