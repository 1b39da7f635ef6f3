using System.Buffers;
using System.IO.Pipelines;
using Meterline.Dlms.Hdlc;

namespace Meterline.Dlms.Links;

/// <summary>
/// The server (meter) side of an HDLC link over a byte stream: answers SNRM and DISC, acknowledges segments,
/// delivers reassembled APDUs, and sends responses one segment per client poll. Frames for other server addresses
/// are ignored, as on a shared bus.
/// </summary>
public sealed class HdlcServerApduLink : ApduLink, IApduLinkSessions
{
    private readonly HdlcServerLink _station;
    private readonly HdlcFrameReader _reader;
    private readonly TimeSpan _interFrameTimeout;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly TimeSpan _inactivityTimeout;
    private readonly ITimer _inactivityTimer;

    private HdlcServerApduLink(IDuplexPipe pipe, HdlcAddress server, HdlcParameters limits, int maxApduLength, TimeSpan interFrameTimeout, TimeSpan inactivityTimeout, TimeProvider clock)
        : base(pipe)
    {
        _inactivityTimeout = inactivityTimeout;
        _inactivityTimer = clock.CreateTimer(_ => RequestWake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _station = new HdlcServerLink(server, limits, maxApduLength);
        _reader = new HdlcFrameReader(limits.MaxInformationLengthReceive);
        _interFrameTimeout = interFrameTimeout;
        _clock = clock;
    }

    /// <summary>Frame statistics (checksum errors, garbage, malformed frames).</summary>
    public HdlcFrameReader Statistics => _reader;

    /// <summary>The connected client's address (its SAP selects the association), if any.</summary>
    public HdlcAddress? Client => _station.Client;

    public HdlcLinkState State => _station.State;

    /// <inheritdoc/>
    public long SessionGeneration
    {
        get
        {
            lock (_gate)
            {
                return _station.SessionGeneration;
            }
        }
    }

    protected override TimeSpan? InterFrameTimeout => _interFrameTimeout;

    protected override TimeProvider Clock => _clock;

    public static HdlcServerApduLink Start(
        IDuplexPipe pipe,
        HdlcAddress server,
        HdlcParameters? limits = null,
        int maxApduLength = 65_535,
        TimeSpan? interFrameTimeout = null,
        TimeProvider? clock = null,
        TimeSpan? inactivityTimeout = null)
    {
        // IEC 62056-46 meters commonly drop an idle link after 120 s.
        var link = new HdlcServerApduLink(pipe, server, limits ?? HdlcParameters.Default, maxApduLength, interFrameTimeout ?? TimeSpan.FromSeconds(1), inactivityTimeout ?? TimeSpan.FromSeconds(120), clock ?? TimeProvider.System);
        link.StartReading();
        return link;
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        HdlcFrame frame;
        lock (_gate)
        {
            try
            {
                frame = _station.Send(apdu.Span);
            }
            catch (InvalidOperationException e)
            {
                throw new DlmsLinkException(e.Message, isTransient: true, e);
            }
        }

        return WriteAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>The inactivity timer fired: the link falls back to disconnected (nothing is sent).</summary>
    protected override ValueTask OnWakeAsync()
    {
        lock (_gate)
        {
            _station.Expire();
        }

        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await _inactivityTimer.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override async ValueTask<SequencePosition> ProcessAsync(ReadOnlySequence<byte> buffer)
    {
        while (_reader.TryRead(ref buffer, out var frame))
        {
            HdlcLinkStep step;
            lock (_gate)
            {
                step = _station.Receive(frame);
                _inactivityTimer.Change(_station.State == HdlcLinkState.Connected ? _inactivityTimeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            if (step.Reply is not null)
            {
                await WriteAsync(step.Reply.ToArray(), Stopping).ConfigureAwait(false);
            }

            if (step.Event == HdlcLinkEvent.ApduReceived)
            {
                await DeliverAsync(step.Apdu).ConfigureAwait(false);
            }
        }

        return buffer.Start;
    }
}
