using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Meterline.Dlms.Links;

/// <summary>
/// A link that carries whole APDUs to and from one peer over a duplex pipe. One read loop per link turns incoming
/// bytes into APDUs (through a framing: HDLC or the wrapper) and hands them on through a bounded channel; sends are
/// serialised. When the pipe closes or fails, <see cref="Received"/> completes and <see cref="Completion"/> reports
/// why. Socket and I/O errors are translated to <see cref="DlmsLinkException"/> here and nowhere else.
/// </summary>
public abstract class ApduLink : IApduLink
{
    /// <summary>How many received APDUs may wait unread before the read loop stops reading (backpressure).</summary>
    public const int ReceiveQueueCapacity = 64;

    private readonly Channel<ReadOnlyMemory<byte>> _received =
        Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(ReceiveQueueCapacity) { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _stopping = new();
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is not); a concurrent call may still release it while the owner is disposed, so it is deliberately not disposed.")]
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Task? _readLoop;
    private int _disposed;
    private int _wakeRequested;
    private long _partialFramesTimedOut;

    protected ApduLink(IDuplexPipe pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        Pipe = pipe;
    }

    /// <summary>APDUs received from the peer, in order.</summary>
    public ChannelReader<ReadOnlyMemory<byte>> Received => _received.Reader;

    /// <summary>Completes when the read loop ends: normally when the peer closes, faulted on a link error.</summary>
    public Task Completion => _readLoop ?? Task.CompletedTask;

    protected IDuplexPipe Pipe { get; }

    protected CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts the read loop. Called once by the factory that creates the link.</summary>
    protected void StartReading() => _readLoop = Task.Run(ReadLoopAsync);

    /// <summary>Sends one APDU.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default);

    /// <summary>Receives the next APDU, or throws <see cref="DlmsLinkException"/> when the link has closed.</summary>
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

    /// <summary>
    /// Parses as many frames as the buffer holds, hands complete APDUs to <see cref="DeliverAsync"/>, and returns
    /// the position up to which the bytes are consumed.
    /// </summary>
    protected abstract ValueTask<SequencePosition> ProcessAsync(ReadOnlySequence<byte> buffer);

    /// <summary>
    /// How long a partial frame may wait for its remaining bytes before it is discarded (the inter-frame timeout);
    /// null for no limit.
    /// </summary>
    protected virtual TimeSpan? InterFrameTimeout => null;

    /// <summary>The clock for <see cref="InterFrameTimeout"/>.</summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    /// <summary>
    /// Asks the read loop to call <see cref="OnWakeAsync"/>: timers use this so that all protocol work happens on
    /// the one read loop and no write is ever fired and forgotten from a timer thread.
    /// </summary>
    protected void RequestWake()
    {
        Volatile.Write(ref _wakeRequested, 1);
        Pipe.Input.CancelPendingRead();
    }

    /// <summary>Runs on the read loop after <see cref="RequestWake"/>; an exception ends the link.</summary>
    protected virtual ValueTask OnWakeAsync() => ValueTask.CompletedTask;

    /// <summary>Bytes of partial frames discarded after the inter-frame timeout.</summary>
    public long DiscardedPartialBytes { get; private set; }

    /// <summary>Partial frames discarded because their remaining bytes did not come within the inter-frame timeout (a slow sender).</summary>
    public long PartialFramesTimedOut => Interlocked.Read(ref _partialFramesTimedOut);

    /// <summary>
    /// Whether the inter-frame timeout is a deadline for the whole frame, counted from its first byte and not restarted
    /// by later bytes, whose expiry ends the link (a server facing untrusted senders: a header then silence, or one
    /// byte a second, is a slow sender), instead of a gap between bytes after which the partial frame is discarded and
    /// the link goes on (a client resynchronising with its peer).
    /// </summary>
    protected virtual bool EndOnInterFrameTimeout => false;

    /// <summary>Queues a received APDU for the reader (waits while the queue is full).</summary>
    protected ValueTask DeliverAsync(ReadOnlyMemory<byte> apdu) => _received.Writer.WriteAsync(apdu, _stopping.Token);

    /// <summary>Writes bytes to the peer under the write lock, translating I/O errors.</summary>
    protected async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                throw new DlmsLinkException("The link is closed");
            }

            var result = await Pipe.Output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                throw new DlmsLinkException("The peer has closed the link");
            }
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            var partialTimedOut = 0;
            var wasPartial = false;
            using var interFrameTimer = InterFrameTimeout is null
                ? null
                : Clock.CreateTimer(_ => { Volatile.Write(ref partialTimedOut, 1); Pipe.Input.CancelPendingRead(); }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            long armedAt = 0;
            TimeSpan? armedFor = null;
            while (true)
            {
                var result = await Pipe.Input.ReadAsync(_stopping.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled && Interlocked.Exchange(ref partialTimedOut, 0) == 1)
                {
                    // The rest of a partial frame never came: drop it and start afresh, or end the link.
                    DiscardedPartialBytes += buffer.Length;
                    Interlocked.Increment(ref _partialFramesTimedOut);
                    armedFor = null;
                    Pipe.Input.AdvanceTo(buffer.End);
                    if (EndOnInterFrameTimeout)
                    {
                        throw new DlmsLinkException("A partial frame's remaining bytes did not arrive within the inter-frame timeout");
                    }

                    continue;
                }

                if (result.IsCanceled && Interlocked.Exchange(ref _wakeRequested, 0) == 1)
                {
                    Pipe.Input.AdvanceTo(buffer.Start, buffer.End);
                    await OnWakeAsync().ConfigureAwait(false);
                    continue;
                }

                // The inter-frame timeout measures the peer, not the node: while this loop processes (a delivery may wait
                // for room downstream, holding the loop), the timer is paused, and a partial frame keeps only what was
                // left of its time. Otherwise a node slowed by load would cut peers whose bytes were in hand all along.
                TimeSpan? left = null;
                if (interFrameTimer is not null && armedFor is { } running)
                {
                    interFrameTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    left = running - Clock.GetElapsedTime(armedAt);
                }

                var consumed = await ProcessAsync(buffer).ConfigureAwait(false);
                Pipe.Input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted || _stopping.IsCancellationRequested)
                {
                    break;
                }

                var partial = buffer.Slice(consumed).Length > 0;
                var sameFrame = partial && wasPartial && buffer.Slice(consumed).Length == buffer.Length;
                if (interFrameTimer is not null)
                {
                    // A new partial frame gets the whole timeout; the same one still unfinished under EndOnInterFrameTimeout
                    // keeps its deadline (a peer dribbling one frame cannot extend it); no partial frame, no timer.
                    armedFor = !partial ? null
                        : sameFrame && EndOnInterFrameTimeout ? (left is { } rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero)
                        : InterFrameTimeout!.Value;
                    armedAt = Clock.GetTimestamp();
                    interFrameTimer.Change(armedFor ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }

                wasPartial = partial;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = Translate(e) ?? e;
        }
        finally
        {
            await Pipe.Input.CompleteAsync().ConfigureAwait(false);
            _received.Writer.TryComplete(failure ?? new DlmsLinkException("The peer has closed the link"));
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Maps socket, I/O and pipe errors to <see cref="DlmsLinkException"/>; null for anything else.</summary>
    internal static DlmsLinkException? Translate(Exception e) => e switch
    {
        DlmsLinkException link => link,
        SocketException s => new DlmsLinkException($"Socket error {s.SocketErrorCode}", isTransient: true, s),
        IOException io => new DlmsLinkException("I/O error on the link", isTransient: true, io),
        ObjectDisposedException od => new DlmsLinkException("The link is closed", isTransient: true, od),
        InvalidOperationException io when io.Source == "System.IO.Pipelines" => new DlmsLinkException("The link is closed", isTransient: true, io),
        _ => null,
    };

    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Pipe.Input.CancelPendingRead();
        try
        {
            // A read blocked on a character device (a serial port, a pseudo-terminal) does not see the cancellation;
            // it ends when the transport's owner closes the stream. Do not wait for it for ever.
            await Completion.WaitAsync(ReadLoopStopTimeout).ConfigureAwait(false);
        }
        catch (DlmsLinkException)
        {
        }
        catch (TimeoutException)
        {
        }

        // Let a write in progress finish before the output completes; later writes see the link closed.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await Pipe.Output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        if (Completion.IsCompleted)
        {
            // Still in use by a read loop that has not ended yet otherwise; it holds no unmanaged resource.
            _stopping.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>How long disposal waits for the read loop before leaving it to end with the transport.</summary>
    private static readonly TimeSpan ReadLoopStopTimeout = TimeSpan.FromSeconds(2);
}
