using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Meterline.Dlms;
using Meterline.Dlms.Security;
using Meterline.Dlms.Wrapper;
using Meterline.Gateway.Mqtt;

namespace Meterline.Gateway.Wrapper;

/// <summary>
/// Meters on DLMS/TCP links to the gateway (IEC 62056-47 wrapper, the meter connecting out): each link's frames go to
/// the bridge as the meter sent them, and requests for the meter from the broker are written to its link. A push
/// names its meter: the system title in its general-glo-ciphering header (the gateway holds no key and reads only that
/// clear header), which must be in the gateway's meter list (a push naming another meter is counted and dropped). A
/// meter's requests go to the link it last pushed on (usually its own; a link may carry several meters, as a
/// concentrator's or the simulator's does); a link that names no listed meter within
/// <see cref="WrapperLinksOptions.IdentifyTimeout"/> is closed. Frames from a meter come from its wPort 1: to wPort 1
/// a push, to a client wPort an answer in a head-end session, attributed to the meter the last request from that
/// client wPort on that link was for. Bounded: connections, the APDU in a frame, and each link's queue of requests;
/// frames that are malformed, oversize, from another wPort, or answers with no request before them are counted and dropped.
/// <para>
/// A link reads its next frame only once the frame before it is kept (the uplink's answer: with the bridge's spool,
/// flushed to disk), waiting at most <see cref="WrapperLinksOptions.KeepTimeout"/>; a frame not kept in time, or refused,
/// closes the link (counted), so the gateway never reads on past a push it does not hold. What a crash can still lose
/// of a link is what the meter's TCP stack handed over that the gateway had not yet handed on: the kernel's socket
/// buffer and the bytes of the link's read buffer behind the frame being kept.
/// </para>
/// </summary>
public sealed class WrapperMeterLinks
{
    private const ushort MeterWPort = 1;

    private readonly HashSet<string> _meters;
    private readonly WrapperLinksOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, MeterLink> _links = new(StringComparer.Ordinal);
    private int _connections;
    private long _accepted;
    private long _refusedConnections;
    private long _framesReceived;
    private long _malformedFrames;
    private long _unknownMeters;
    private long _unidentified;
    private long _requestsSent;
    private long _requestsDropped;
    private long _keepTimeouts;
    private long _notKept;

    public WrapperMeterLinks(IEnumerable<string> systemTitles, WrapperLinksOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(systemTitles);
        _meters = new HashSet<string>(systemTitles, StringComparer.Ordinal);
        _options = options ?? new WrapperLinksOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    public int Connections => Volatile.Read(ref _connections);

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections closed at once because <see cref="WrapperLinksOptions.MaxConnections"/> were open.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    /// <summary>Frames dropped: not wrapper frames (runs of garbage), oversize, not from wPort 1, unreadable or naming another meter.</summary>
    public long MalformedFrames => Interlocked.Read(ref _malformedFrames);

    /// <summary>Pushes dropped because they named a meter not in the list.</summary>
    public long UnknownMeters => Interlocked.Read(ref _unknownMeters);

    /// <summary>Links closed because they named no meter in time.</summary>
    public long Unidentified => Interlocked.Read(ref _unidentified);

    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Requests dropped: the meter had no link, or its link's queue was full.</summary>
    public long RequestsDropped => Interlocked.Read(ref _requestsDropped);

    /// <summary>Links closed because a frame was not kept within <see cref="WrapperLinksOptions.KeepTimeout"/>.</summary>
    public long KeepTimeouts => Interlocked.Read(ref _keepTimeouts);

    /// <summary>Links closed because the uplink refused a frame (the spool full, or the bridge stopping).</summary>
    public long NotKept => Interlocked.Read(ref _notKept);

    /// <summary>Whether the meter has a link now.</summary>
    public bool IsLinked(string systemTitle) => _links.ContainsKey(systemTitle);

    /// <summary>Queues a request (a wrapper frame) for the meter's link; false (counted) when it has none or its queue is full.</summary>
    public bool TrySend(string systemTitle, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Length >= WrapperFrame.HeaderLength && _links.TryGetValue(systemTitle, out var link))
        {
            // The answer comes back to the client wPort the request came from.
            link.Sessions[System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2))] = systemTitle;
            if (link.Queue.Writer.TryWrite(frame))
            {
                return true;
            }
        }

        Interlocked.Increment(ref _requestsDropped);
        return false;
    }

    /// <summary>
    /// Accepts meters on <paramref name="listener"/> until cancelled, handing every frame they send to
    /// <paramref name="uplink"/>, which answers once the frame is kept (true) or refused (false: the link closes); the
    /// link reads its next frame only after, and closes when no answer comes within
    /// <see cref="WrapperLinksOptions.KeepTimeout"/>. Returns when every link has closed.
    /// </summary>
    public async Task ServeAsync(TcpListener listener, Func<GatewayUplink, CancellationToken, ValueTask<bool>> uplink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(uplink);
        var running = new ConcurrentDictionary<Task, byte>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                if (Interlocked.Increment(ref _connections) > _options.MaxConnections)
                {
                    Interlocked.Decrement(ref _connections);
                    Interlocked.Increment(ref _refusedConnections);
                    socket.Dispose();
                    continue;
                }

                Interlocked.Increment(ref _accepted);
                var task = ServeLinkAsync(socket, uplink, cancellationToken);
                running.TryAdd(task, 0);
                _ = task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running.Keys).ConfigureAwait(false);
        }
    }

    private async Task ServeLinkAsync(Socket socket, Func<GatewayUplink, CancellationToken, ValueTask<bool>> uplink, CancellationToken cancellationToken)
    {
        await Task.Yield();
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        using var identify = new CancellationTokenSource(_options.IdentifyTimeout, _time);

        // The keep wait's timer, one for the link: armed while a frame is being kept, disarmed after. It ends the link when it fires.
        using var keep = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var link = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, identify.Token, keep.Token);
        var meterLink = new MeterLink(Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(_options.LinkQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _requestsDropped)));
        var writing = WriteRequestsAsync(stream, meterLink.Queue.Reader, link);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var frames = new WrapperFrameReader(_options.MaxApduLength);
        var dropped = 0L;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(link.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (frames.TryRead(ref buffer, out var frame))
                {
                    Interlocked.Increment(ref _framesReceived);
                    if (Name(frame, meterLink, identify) is { } title
                        && !await KeepAsync(uplink, new GatewayUplink(title, frame.ToArray(), frame.DestinationWPort == MeterWPort), keep, link.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                var bad = frames.GarbageRuns + frames.OversizeFrames;
                Interlocked.Add(ref _malformedFrames, bad - dropped);
                dropped = bad;
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (link.IsCancellationRequested)
        {
            if (identify.IsCancellationRequested && meterLink.Titles.IsEmpty)
            {
                Interlocked.Increment(ref _unidentified);
            }
        }
        catch (IOException)
        {
            // The meter went away; it connects again and its pushes wait in the meter meanwhile.
        }
        finally
        {
            foreach (var title in meterLink.Titles.Keys)
            {
                _links.TryRemove(KeyValuePair.Create(title, meterLink));
            }

            meterLink.Queue.Writer.TryComplete();
            await link.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>
    /// Hands one frame on and waits until it is kept, at most <see cref="WrapperLinksOptions.KeepTimeout"/> (the link's
    /// <paramref name="timer"/>, whose firing cancels <paramref name="link"/>); false (counted) to close the link.
    /// </summary>
    private async ValueTask<bool> KeepAsync(Func<GatewayUplink, CancellationToken, ValueTask<bool>> uplink, GatewayUplink frame, CancellationTokenSource timer, CancellationToken link)
    {
        timer.CancelAfter(_options.KeepTimeout);
        bool kept;
        try
        {
            kept = await uplink(frame, link).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            Interlocked.Increment(ref _keepTimeouts);
            return false;
        }

        timer.CancelAfter(Timeout.InfiniteTimeSpan);
        if (timer.IsCancellationRequested)
        {
            // Kept, but the timer fired just before it was disarmed: the link is cancelled and closes.
            Interlocked.Increment(ref _keepTimeouts);
            return false;
        }

        if (kept)
        {
            return true;
        }

        Interlocked.Increment(ref _notKept);
        return false;
    }

    /// <summary>The meter whose frame this is; null to drop it (counted).</summary>
    private string? Name(WrapperFrame frame, MeterLink link, CancellationTokenSource identify)
    {
        if (frame.SourceWPort != MeterWPort)
        {
            Interlocked.Increment(ref _malformedFrames);
            return null;
        }

        if (frame.DestinationWPort != MeterWPort)
        {
            // An answer: the meter the last request from that client wPort on this link was for.
            if (link.Sessions.TryGetValue(frame.DestinationWPort, out var asked))
            {
                return asked;
            }

            Interlocked.Increment(ref _malformedFrames);
            return null;
        }

        if (SenderOf(frame.Apdu.Span) is not { } named)
        {
            Interlocked.Increment(ref _malformedFrames);
            return null;
        }

        if (!_meters.Contains(named))
        {
            Interlocked.Increment(ref _unknownMeters);
            return null;
        }

        if (link.Titles.TryAdd(named, 0))
        {
            identify.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        // The meter's requests go to the link it pushes on (a meter that connected again: its new link).
        _links[named] = link;
        return named;
    }

    private static string? SenderOf(ReadOnlySpan<byte> apdu)
    {
        try
        {
            return SecuredApduView.TryRead(apdu, out var view) && !view.IsDedicated && view.SystemTitle is { } sender
                ? sender.Value.ToString("X16", System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        catch (DlmsFormatException)
        {
            return null;
        }
    }

    private async Task WriteRequestsAsync(NetworkStream stream, ChannelReader<byte[]> requests, CancellationTokenSource link)
    {
        try
        {
            await foreach (var frame in requests.ReadAllAsync(link.Token).ConfigureAwait(false))
            {
                await stream.WriteAsync(frame, link.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _requestsSent);
            }
        }
        catch (OperationCanceledException) when (link.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            await link.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One TCP link: its queue of requests, the meters that pushed on it, and whose answers come to which client wPort.</summary>
    private sealed record MeterLink(Channel<byte[]> Queue)
    {
        public ConcurrentDictionary<string, byte> Titles { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<ushort, string> Sessions { get; } = new();
    }
}
