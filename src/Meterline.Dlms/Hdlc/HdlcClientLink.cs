namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The client (primary station) side of an HDLC link in normal response mode (IEC 62056-46), sans I/O: it turns
/// APDUs into frames and received frames into events. It opens the link with SNRM, numbers and segments I frames,
/// polls for the server's further segments with RR, and reassembles them up to a limit. Timers live in the async
/// layer above, which calls <see cref="CreatePoll"/> or <see cref="CreateConnectRequest"/> again on a timeout.
/// </summary>
public sealed class HdlcClientLink
{
    private readonly HdlcParameters _proposal;
    private readonly HdlcSegmentation _segmentation;

    public HdlcClientLink(HdlcAddress client, HdlcAddress server, HdlcParameters? proposal = null, int maxApduLength = 65_535)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxApduLength, 1);
        Client = client;
        Server = server;
        _proposal = proposal ?? HdlcParameters.Default;
        _segmentation = new HdlcSegmentation(maxApduLength + HdlcLlc.Length);
        Negotiated = HdlcParameters.Default;
    }

    public HdlcAddress Client { get; }

    public HdlcAddress Server { get; }

    public HdlcLinkState State { get; private set; }

    /// <summary>Parameters from the client's point of view: transmit = what the client may send.</summary>
    public HdlcParameters Negotiated { get; private set; }

    /// <summary>True while an outgoing APDU still has segments waiting for the server's poll acknowledgement.</summary>
    public bool IsSending => _segmentation.HasPending;

    /// <summary>SNRM with the proposed parameters; the link becomes Connecting.</summary>
    public HdlcFrame CreateConnectRequest()
    {
        State = HdlcLinkState.Connecting;
        _segmentation.Reset();
        var information = _proposal == HdlcParameters.Default ? ReadOnlyMemory<byte>.Empty : _proposal.Encode();
        return new HdlcFrame(Server, Client, HdlcControl.Unnumbered(HdlcFrameType.SetNormalResponseMode), information);
    }

    /// <summary>DISC; the link becomes Disconnecting.</summary>
    public HdlcFrame CreateDisconnectRequest()
    {
        State = HdlcLinkState.Disconnecting;
        return new HdlcFrame(Server, Client, HdlcControl.Unnumbered(HdlcFrameType.Disconnect), ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>
    /// Starts sending an APDU: returns its first I frame. Further segments are returned by <see cref="Receive"/> as
    /// the server acknowledges each one.
    /// </summary>
    public HdlcFrame Send(ReadOnlySpan<byte> apdu)
    {
        EnsureConnected();
        var information = new byte[HdlcLlc.Length + apdu.Length];
        HdlcLlc.Command.CopyTo(information);
        apdu.CopyTo(information.AsSpan(HdlcLlc.Length));
        _segmentation.Queue(information, Negotiated.MaxInformationLengthTransmit);
        return _segmentation.NextFrame(Server, Client);
    }

    /// <summary>RR with the poll bit: asks the server for its next frame (also the retry after a timeout).</summary>
    public HdlcFrame CreatePoll()
    {
        EnsureConnected();
        return new HdlcFrame(Server, Client, HdlcControl.ReceiveReady(_segmentation.ReceiveSequence), ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Handles one frame from the server.</summary>
    public HdlcLinkStep Receive(HdlcFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Destination != Client || frame.Source.Upper != Server.Upper || frame.Source.Lower != Server.Lower)
        {
            return HdlcLinkStep.Nothing;
        }

        switch (frame.Control.FrameType)
        {
            case HdlcFrameType.UnnumberedAcknowledge when State == HdlcLinkState.Connecting:
                HdlcParameters offered;
                try
                {
                    offered = HdlcParameters.Decode(frame.Information.Span);
                }
                catch (DlmsFormatException)
                {
                    State = HdlcLinkState.Disconnected;
                    return new HdlcLinkStep(HdlcLinkEvent.ProtocolError);
                }

                // The UA speaks from the server's side: its receive length is what the client may transmit.
                Negotiated = new HdlcParameters(
                    Math.Min(offered.MaxInformationLengthReceive, _proposal.MaxInformationLengthTransmit),
                    Math.Min(offered.MaxInformationLengthTransmit, _proposal.MaxInformationLengthReceive),
                    Math.Min(offered.WindowSizeReceive, _proposal.WindowSizeTransmit),
                    Math.Min(offered.WindowSizeTransmit, _proposal.WindowSizeReceive));
                State = HdlcLinkState.Connected;
                return new HdlcLinkStep(HdlcLinkEvent.Connected);
            case HdlcFrameType.UnnumberedAcknowledge or HdlcFrameType.DisconnectedMode when State == HdlcLinkState.Disconnecting:
                State = HdlcLinkState.Disconnected;
                _segmentation.Reset();
                return new HdlcLinkStep(HdlcLinkEvent.Disconnected);
            case HdlcFrameType.DisconnectedMode:
                var wasConnecting = State == HdlcLinkState.Connecting;
                State = HdlcLinkState.Disconnected;
                _segmentation.Reset();
                return new HdlcLinkStep(wasConnecting ? HdlcLinkEvent.Rejected : HdlcLinkEvent.Disconnected);
            case HdlcFrameType.FrameReject:
                State = HdlcLinkState.Disconnected;
                _segmentation.Reset();
                return new HdlcLinkStep(HdlcLinkEvent.Rejected);
            case HdlcFrameType.ReceiveReady when State == HdlcLinkState.Connected:
                return OnAcknowledge(frame.Control.ReceiveSequence);
            case HdlcFrameType.ReceiveNotReady when State == HdlcLinkState.Connected:
                _segmentation.Acknowledge(frame.Control.ReceiveSequence);
                return new HdlcLinkStep(HdlcLinkEvent.PeerBusy);
            case HdlcFrameType.Information when State == HdlcLinkState.Connected:
                return OnInformation(frame);
            case HdlcFrameType.UnnumberedInformation:
                return HdlcLlc.HasHeader(frame.Information.Span, response: true)
                    ? new HdlcLinkStep(HdlcLinkEvent.ApduReceived, Apdu: frame.Information[HdlcLlc.Length..])
                    : new HdlcLinkStep(HdlcLinkEvent.ProtocolError);
            default:
                return HdlcLinkStep.Nothing;
        }
    }

    private HdlcLinkStep OnAcknowledge(int receiveSequence)
    {
        var again = _segmentation.Acknowledge(receiveSequence);
        if (again is not null)
        {
            return new HdlcLinkStep(HdlcLinkEvent.None, again);
        }

        return _segmentation.HasPending
            ? new HdlcLinkStep(HdlcLinkEvent.None, _segmentation.NextFrame(Server, Client))
            : HdlcLinkStep.Nothing;
    }

    private HdlcLinkStep OnInformation(HdlcFrame frame)
    {
        _segmentation.Acknowledge(frame.Control.ReceiveSequence);
        bool accepted;
        try
        {
            accepted = _segmentation.TryAppend(frame);
        }
        catch (InvalidOperationException)
        {
            return new HdlcLinkStep(HdlcLinkEvent.ProtocolError, CreatePoll());
        }

        if (!accepted || frame.Segmented)
        {
            // Out of sequence (a repeat, or a gap): ask again from V(R). Segmented: ask for the next segment. With a
            // window above 1 the server sends several frames and sets the final bit on the last; answer only then.
            return new HdlcLinkStep(HdlcLinkEvent.None, frame.Control.PollFinal ? CreatePoll() : null);
        }

        var information = _segmentation.TakeReassembled();
        if (!HdlcLlc.HasHeader(information, response: true))
        {
            return new HdlcLinkStep(HdlcLinkEvent.ProtocolError);
        }

        return new HdlcLinkStep(HdlcLinkEvent.ApduReceived, Apdu: information.AsMemory(HdlcLlc.Length));
    }

    private void EnsureConnected()
    {
        if (State != HdlcLinkState.Connected)
        {
            throw new InvalidOperationException($"The HDLC link is {State}, not Connected");
        }
    }
}
