using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links;

/// <summary>
/// Accepts pushed DataNotifications from many meters at once — over the TCP wrapper, UDP, or any
/// <see cref="IApduLink"/> (HDLC included) — and hands on only what verified. For each APDU, before anything is
/// allocated or parsed: read the outer layer without copying, find the sender's cipher by its system title (unknown
/// senders dropped), check its counter is fresh (replays dropped), decrypt and verify (forgeries dropped), and only
/// then record the counter and decode. Every drop is counted by reason. Unprotected pushes are refused: the sender
/// of a plaintext APDU cannot be authenticated.
/// </summary>
public sealed class PushListener
{
    private readonly ISenderKeyResolver _keys;
    private readonly InvocationCounterGuard _counters;
    private readonly PushListenerOptions _options;
    private readonly Channel<PushNotification> _notifications;
    private int _connections;
    private long _accepted;
    private long _unknownSenders;
    private long _replays;
    private long _authenticationFailures;
    private long _malformed;
    private long _unprotected;
    private long _queueFull;
    private long _datagramQueueFull;
    private long _refusedConnections;

    public PushListener(ISenderKeyResolver keys, InvocationCounterGuard counters, PushListenerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(counters);
        _keys = keys;
        _counters = counters;
        _options = options ?? new PushListenerOptions();
        _notifications = Channel.CreateBounded<PushNotification>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = false,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Verified notifications, in arrival order per link.</summary>
    public ChannelReader<PushNotification> Notifications => _notifications.Reader;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long UnknownSenders => Interlocked.Read(ref _unknownSenders);

    public long Replays => Interlocked.Read(ref _replays);

    public long AuthenticationFailures => Interlocked.Read(ref _authenticationFailures);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Unprotected => Interlocked.Read(ref _unprotected);

    /// <summary>UDP notifications dropped because the queue was full.</summary>
    public long QueueFull => Interlocked.Read(ref _queueFull);

    /// <summary>UDP datagrams dropped unread because the receive thread's queue was full (counted when serving ends).</summary>
    public long DatagramQueueFull => Interlocked.Read(ref _datagramQueueFull);

    /// <summary>TCP connections closed at once because <see cref="PushListenerOptions.MaxConnections"/> were open.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    /// <summary>Receives from one link until it closes. <paramref name="knownSender"/> attributes service-specific ciphered pushes, which carry no system title.</summary>
    public async Task AttachAsync(IApduLink link, string linkId, Meterline.Dlms.Security.SystemTitle? knownSender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var apdu = await link.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (TryVerify(apdu.Span, knownSender, linkId) is { } notification)
                {
                    await _notifications.Writer.WriteAsync(notification, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (DlmsLinkException)
        {
            // The meter closed the link: normal for push connections.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Accepts TCP connections (IEC 62056-47 wrapper) until cancelled, each served by its own read loop.</summary>
    public async Task ServeTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (Interlocked.Increment(ref _connections) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Interlocked.Increment(ref _refusedConnections);
                socket.Dispose();
                return null;
            }

            return ServeConnectionAsync(socket, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives UDP datagrams (one wrapper frame each) on a bound socket until cancelled: a thread of its own reads
    /// the socket into a bounded queue (<see cref="UdpDatagramReceiver"/>; what finds it full is counted in
    /// <see cref="DatagramQueueFull"/>), and this loop verifies what it queues.
    /// </summary>
    public async Task ServeUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var receiver = UdpDatagramReceiver.Start(socket, new UdpDatagramReceiverOptions
        {
            MaxDatagramLength = _options.MaxApduLength + WrapperFrame.HeaderLength,
            Clock = _options.Clock,
        });
        try
        {
            await foreach (var datagram in receiver.Datagrams.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (datagram)
                {
                    Verify(datagram);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            receiver.Dispose();
            Interlocked.Add(ref _datagramQueueFull, receiver.QueueFullDrops);
        }
    }

    /// <summary>Ends the notification stream (after the serving tasks have stopped).</summary>
    public void Complete() => _notifications.Writer.TryComplete();

    private void Verify(ReceivedDatagram datagram)
    {
        if (datagram.Truncated)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(datagram.Bytes);
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (frame.Apdu.Length > _options.MaxApduLength)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (TryVerify(frame.Apdu.Span, null, "udp:" + datagram.Remote) is { } notification
            && !_notifications.Writer.TryWrite(notification))
        {
            Interlocked.Increment(ref _queueFull);
        }
    }

    /// <summary>Checks one APDU; null (and a counted reason) when it is dropped.</summary>
    internal PushNotification? TryVerify(ReadOnlySpan<byte> apdu, Meterline.Dlms.Security.SystemTitle? knownSender, string linkId)
    {
        SecuredApduView view;
        try
        {
            if (!SecuredApduView.TryRead(apdu, out view))
            {
                Interlocked.Increment(ref _unprotected);
                return null;
            }
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _malformed);
            return null;
        }

        if ((view.SystemTitle ?? knownSender) is not { } sender || view.IsDedicated || !_keys.TryGetCipher(sender, out var cipher))
        {
            Interlocked.Increment(ref _unknownSenders);
            return null;
        }

        var counter = view.Header.InvocationCounter;
        if (!_counters.IsFresh(sender, KeyId.GlobalUnicastEncryptionKey, counter))
        {
            Interlocked.Increment(ref _replays);
            return null;
        }

        var plain = view.CipheredContent.Length <= 1024 ? stackalloc byte[view.CipheredContent.Length] : new byte[view.CipheredContent.Length];
        int written;
        try
        {
            if (!cipher.TryUnprotect(view.CipheredContent, sender, plain, out written))
            {
                Interlocked.Increment(ref _authenticationFailures);
                return null;
            }
        }
        catch (DlmsException)
        {
            // Reserved or unsupported security control: not something a meter of ours sends.
            Interlocked.Increment(ref _malformed);
            return null;
        }

        if (!_counters.TryAccept(sender, KeyId.GlobalUnicastEncryptionKey, counter))
        {
            // Another link delivered a newer message from the same meter in the meantime.
            Interlocked.Increment(ref _replays);
            return null;
        }

        DataNotification notification;
        try
        {
            notification = ApduCodec.Decode(plain[..written]) as DataNotification
                ?? throw new DlmsFormatException(DlmsErrorReason.UnknownTag, 0, "Not a DataNotification");
        }
        catch (DlmsFormatException)
        {
            Interlocked.Increment(ref _malformed);
            return null;
        }

        Interlocked.Increment(ref _accepted);
        return new PushNotification(sender, notification, MessageProtection.From(view.Header.SecurityControl, signed: false), counter, _options.Clock.GetUtcNow(), linkId);
    }

    private async Task ServeConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        var endpoint = socket.RemoteEndPoint?.ToString() ?? "tcp";
        try
        {
            await using var pipe = TcpTransport.FromAccepted(socket);
            await using var link = WrapperLink.Start(pipe, _options.LocalWPort, remoteWPort: null, _options.MaxApduLength);
            await AttachAsync(link, "tcp:" + endpoint, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }
}
