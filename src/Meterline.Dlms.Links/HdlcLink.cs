using System.Buffers;
using System.IO.Pipelines;
using Meterline.Dlms.Hdlc;

namespace Meterline.Dlms.Links;

/// <summary>
/// The client side of an HDLC link over a byte stream (serial port, TCP, or an in-memory pipe): opens the link with
/// SNRM, sends APDUs as numbered I frames segmented to the negotiated length, polls for the server's segments, and
/// repeats a poll when the server does not answer in time. All protocol work runs on the link's one read loop;
/// timers only wake it.
/// </summary>
public sealed class HdlcLink : ApduLink
{
    private readonly HdlcClientLink _station;
    private readonly HdlcFrameReader _reader;
    private readonly HdlcLinkOptions _options;
    private readonly ITimer _responseTimer;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is not); a concurrent call may still release it while the owner is disposed, so it is deliberately not disposed.")]
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _gate = new();
    private TaskCompletionSource<HdlcLinkEvent>? _stateWaiter;
    private TaskCompletionSource? _sendCompleted;
    private bool _awaitingReply;
    private bool _closing;
    private bool _awaitingApdu;
    private int _retries;

    private HdlcLink(IDuplexPipe pipe, HdlcAddress client, HdlcAddress server, HdlcLinkOptions options)
        : base(pipe)
    {
        _options = options;
        _station = new HdlcClientLink(client, server, options.Proposal, options.MaxApduLength);
        _reader = new HdlcFrameReader(options.Proposal.MaxInformationLengthReceive);
        _responseTimer = options.Clock.CreateTimer(_ => RequestWake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Frame statistics (checksum errors, garbage, malformed frames).</summary>
    public HdlcFrameReader Statistics => _reader;

    /// <summary>The negotiated parameters, from the client's point of view.</summary>
    public HdlcParameters Negotiated => _station.Negotiated;

    /// <summary>Polls repeated because the server did not answer in time.</summary>
    public long Retransmissions { get; private set; }

    protected override TimeSpan? InterFrameTimeout => _options.InterFrameTimeout;

    protected override TimeProvider Clock => _options.Clock;

    /// <summary>Starts the read loop on <paramref name="pipe"/> and opens the HDLC link (SNRM/UA).</summary>
    public static async Task<HdlcLink> ConnectAsync(
        IDuplexPipe pipe,
        HdlcAddress client,
        HdlcAddress server,
        HdlcLinkOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var link = new HdlcLink(pipe, client, server, options ?? new HdlcLinkOptions());
        link.StartReading();
        try
        {
            await link.OpenAsync(cancellationToken).ConfigureAwait(false);
            return link;
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            HdlcFrame frame;
            TaskCompletionSource? completed;
            lock (_gate)
            {
                frame = _station.Send(apdu.Span);
                _awaitingApdu = true;
                completed = _station.IsSending ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
                _sendCompleted = completed;
                ArmResponseTimer();
            }

            await WriteAsync(frame.ToArray(), cancellationToken).ConfigureAwait(false);
            if (completed is not null)
            {
                await completed.Task.WaitAsync(Completion.IsCompleted ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException e) when (e.Source != "System.IO.Pipelines")
        {
            throw new DlmsLinkException(e.Message, isTransient: true, e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the HDLC link with DISC and waits (one response timeout) for UA or DM.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<HdlcLinkEvent> waiter;
        HdlcFrame disc;
        lock (_gate)
        {
            if (_station.State != HdlcLinkState.Connected)
            {
                return;
            }

            waiter = NewStateWaiter();
            _closing = true;
            disc = _station.CreateDisconnectRequest();
        }

        await WriteAsync(disc.ToArray(), cancellationToken).ConfigureAwait(false);
        try
        {
            await waiter.Task.WaitAsync(_options.ResponseTimeout, _options.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A server that does not confirm DISC is disconnected all the same.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (!Completion.IsCompleted)
            {
                await DisconnectAsync().ConfigureAwait(false);
            }
        }
        catch (DlmsLinkException)
        {
        }

        await _responseTimer.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
        _sendCompleted?.TrySetException(new DlmsLinkException("The link is closed"));
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt <= _options.MaxRetries; attempt++)
        {
            TaskCompletionSource<HdlcLinkEvent> waiter;
            HdlcFrame snrm;
            lock (_gate)
            {
                waiter = NewStateWaiter();
                snrm = _station.CreateConnectRequest();
            }

            await WriteAsync(snrm.ToArray(), cancellationToken).ConfigureAwait(false);
            HdlcLinkEvent outcome;
            try
            {
                outcome = await waiter.Task.WaitAsync(_options.ResponseTimeout, _options.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Retransmissions++;
                continue;
            }

            if (outcome == HdlcLinkEvent.Connected)
            {
                _reader.MaxInformationLength = _station.Negotiated.MaxInformationLengthReceive;
                return;
            }

            throw new DlmsLinkException($"The server refused the HDLC link ({outcome})", isTransient: false);
        }

        throw new DlmsLinkException($"No answer to SNRM after {_options.MaxRetries + 1} attempts");
    }

    protected override async ValueTask<SequencePosition> ProcessAsync(ReadOnlySequence<byte> buffer)
    {
        while (_reader.TryRead(ref buffer, out var frame))
        {
            HdlcLinkStep step;
            lock (_gate)
            {
                step = _station.Receive(frame);
                if (step.Event != HdlcLinkEvent.None || step.Reply is not null || frame.Control.PollFinal)
                {
                    DisarmResponseTimer();
                }

                if (step.Reply is { Control.PollFinal: true })
                {
                    ArmResponseTimer();
                }

                if (step.Event == HdlcLinkEvent.ApduReceived)
                {
                    _awaitingApdu = false;
                }

                if (step.Event is HdlcLinkEvent.PeerBusy
                    || (_awaitingApdu && step.Reply is null && !_station.IsSending && frame.Control.FrameType == HdlcFrameType.ReceiveReady))
                {
                    // RNR, or RR with nothing to send yet: in normal response mode the server may answer only when
                    // polled, so poll again after a response timeout. The server answered, so retries start afresh;
                    // the DLMS request timeout above bounds how long this goes on.
                    ArmResponseTimer();
                }

                if (step.Event is HdlcLinkEvent.Connected or HdlcLinkEvent.Rejected or HdlcLinkEvent.Disconnected or HdlcLinkEvent.ProtocolError)
                {
                    _stateWaiter?.TrySetResult(step.Event);
                }

                if (!_station.IsSending && _sendCompleted is { } completed)
                {
                    _sendCompleted = null;
                    completed.TrySetResult();
                }
            }

            if (step.Reply is not null)
            {
                await WriteAsync(step.Reply.ToArray(), Stopping).ConfigureAwait(false);
            }

            if (step.Event == HdlcLinkEvent.ApduReceived)
            {
                await DeliverAsync(step.Apdu).ConfigureAwait(false);
            }
            else if (step.Event == HdlcLinkEvent.Disconnected && !_closing)
            {
                throw new DlmsLinkException("The server closed the HDLC link");
            }
        }

        return buffer.Start;
    }

    protected override async ValueTask OnWakeAsync()
    {
        HdlcFrame poll;
        lock (_gate)
        {
            if (!_awaitingReply || _station.State != HdlcLinkState.Connected)
            {
                return;
            }

            if (_retries >= _options.MaxRetries)
            {
                throw new DlmsLinkException($"No answer from the server after {_retries + 1} polls");
            }

            _retries++;
            Retransmissions++;
            poll = _station.CreatePoll();
            _responseTimer.Change(_options.ResponseTimeout, Timeout.InfiniteTimeSpan);
        }

        await WriteAsync(poll.ToArray(), Stopping).ConfigureAwait(false);
    }

    private TaskCompletionSource<HdlcLinkEvent> NewStateWaiter()
    {
        var waiter = new TaskCompletionSource<HdlcLinkEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _stateWaiter = waiter;
        return waiter;
    }

    private void ArmResponseTimer()
    {
        _awaitingReply = true;
        _responseTimer.Change(_options.ResponseTimeout, Timeout.InfiniteTimeSpan);
    }

    private void DisarmResponseTimer()
    {
        _awaitingReply = false;
        _retries = 0;
        _responseTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}
