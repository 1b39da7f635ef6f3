namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The server (secondary station) side of an HDLC link in normal response mode (IEC 62056-46), sans I/O. It answers
/// SNRM with UA and the negotiated parameters, DISC with UA (DM when not connected), acknowledges each received
/// segment with RR, reassembles APDUs up to a limit, and sends a response one segment per client poll.
/// </summary>
public sealed class HdlcServerLink
{
    private readonly HdlcParameters _limits;
    private readonly HdlcSegmentation _segmentation;

    public HdlcServerLink(HdlcAddress server, HdlcParameters? limits = null, int maxApduLength = 65_535)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxApduLength, 1);
        Server = server;
        _limits = limits ?? HdlcParameters.Default;
        _segmentation = new HdlcSegmentation(maxApduLength + HdlcLlc.Length);
        Negotiated = HdlcParameters.Default;
    }

    public HdlcAddress Server { get; }

    /// <summary>The client currently connected (its SAP identifies the association).</summary>
    public HdlcAddress? Client { get; private set; }

    public HdlcLinkState State { get; private set; }

    /// <summary>
    /// Counts link sessions: it changes whenever a link is set up (SNRM) or ends (DISC, inactivity), so the layer
    /// above can end the application associations that lived on the previous session.
    /// </summary>
    public long SessionGeneration { get; private set; }

    /// <summary>
    /// The inactivity time-out expired (IEC 62056-46 §6.4.4.5): the server falls back to the disconnected state
    /// without sending anything; the client finds out from a DM on its next frame.
    /// </summary>
    public void Expire()
    {
        if (State != HdlcLinkState.Disconnected)
        {
            State = HdlcLinkState.Disconnected;
            Client = null;
            _segmentation.Reset();
            SessionGeneration++;
        }
    }

    /// <summary>Parameters from the server's point of view: transmit = what the server may send.</summary>
    public HdlcParameters Negotiated { get; private set; }

    /// <summary>Handles one frame from a client.</summary>
    public HdlcLinkStep Receive(HdlcFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!IsForUs(frame.Destination))
        {
            return HdlcLinkStep.Nothing;
        }

        var fromConnectedClient = Client is { } client && frame.Source == client;
        switch (frame.Control.FrameType)
        {
            case HdlcFrameType.SetNormalResponseMode:
                HdlcParameters proposal;
                try
                {
                    proposal = HdlcParameters.Decode(frame.Information.Span);
                }
                catch (DlmsFormatException)
                {
                    return new HdlcLinkStep(HdlcLinkEvent.ProtocolError, Unnumbered(frame.Source, HdlcFrameType.FrameReject));
                }

                Negotiated = _limits.NegotiateAsServer(proposal);
                SessionGeneration++;
                Client = frame.Source;
                State = HdlcLinkState.Connected;
                _segmentation.Reset();
                return new HdlcLinkStep(HdlcLinkEvent.Connected, new HdlcFrame(frame.Source, Server, HdlcControl.Unnumbered(HdlcFrameType.UnnumberedAcknowledge), Negotiated.Encode()));
            case HdlcFrameType.Disconnect when fromConnectedClient && State == HdlcLinkState.Connected:
                State = HdlcLinkState.Disconnected;
                Client = null;
                _segmentation.Reset();
                SessionGeneration++;
                return new HdlcLinkStep(HdlcLinkEvent.Disconnected, Unnumbered(frame.Source, HdlcFrameType.UnnumberedAcknowledge));
            case HdlcFrameType.UnnumberedInformation:
                return HdlcLlc.HasHeader(frame.Information.Span, response: false)
                    ? new HdlcLinkStep(HdlcLinkEvent.ApduReceived, Apdu: frame.Information[HdlcLlc.Length..])
                    : new HdlcLinkStep(HdlcLinkEvent.ProtocolError);
            case HdlcFrameType.Information when fromConnectedClient && State == HdlcLinkState.Connected:
                return OnInformation(frame);
            case HdlcFrameType.ReceiveReady when fromConnectedClient && State == HdlcLinkState.Connected:
                return OnPoll(frame.Control.ReceiveSequence);
            case HdlcFrameType.ReceiveNotReady when fromConnectedClient && State == HdlcLinkState.Connected:
                _segmentation.Acknowledge(frame.Control.ReceiveSequence);
                return new HdlcLinkStep(HdlcLinkEvent.PeerBusy);
            default:
                // A frame that needs a connection while there is none (or from another client) gets DM.
                return new HdlcLinkStep(HdlcLinkEvent.None, Unnumbered(frame.Source, HdlcFrameType.DisconnectedMode));
        }
    }

    /// <summary>Starts sending a response APDU: returns its first I frame; later segments follow the client's polls.</summary>
    public HdlcFrame Send(ReadOnlySpan<byte> apdu)
    {
        if (State != HdlcLinkState.Connected || Client is not { } client)
        {
            throw new InvalidOperationException($"The HDLC link is {State}, not Connected");
        }

        var information = new byte[HdlcLlc.Length + apdu.Length];
        HdlcLlc.Response.CopyTo(information);
        apdu.CopyTo(information.AsSpan(HdlcLlc.Length));
        _segmentation.Queue(information, Negotiated.MaxInformationLengthTransmit);
        return _segmentation.NextFrame(client, Server);
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
            return new HdlcLinkStep(HdlcLinkEvent.ProtocolError, Unnumbered(frame.Source, HdlcFrameType.FrameReject));
        }

        if (!accepted || frame.Segmented)
        {
            // The client may send a window of frames; the server answers when the poll bit asks it to.
            return new HdlcLinkStep(HdlcLinkEvent.None, frame.Control.PollFinal ? ReceiveReady(frame.Source) : null);
        }

        var information = _segmentation.TakeReassembled();
        return HdlcLlc.HasHeader(information, response: false)
            ? new HdlcLinkStep(HdlcLinkEvent.ApduReceived, Apdu: information.AsMemory(HdlcLlc.Length))
            : new HdlcLinkStep(HdlcLinkEvent.ProtocolError, ReceiveReady(frame.Source));
    }

    private HdlcLinkStep OnPoll(int receiveSequence)
    {
        var client = Client!.Value;
        var again = _segmentation.Acknowledge(receiveSequence);
        if (again is not null)
        {
            return new HdlcLinkStep(HdlcLinkEvent.None, again);
        }

        return new HdlcLinkStep(HdlcLinkEvent.None, _segmentation.HasPending ? _segmentation.NextFrame(client, Server) : ReceiveReady(client));
    }

    private bool IsForUs(HdlcAddress destination) =>
        destination.Upper == Server.Upper && (destination.Size == 1 || destination.Lower == Server.Lower);

    private HdlcFrame ReceiveReady(HdlcAddress client) =>
        new(client, Server, HdlcControl.ReceiveReady(_segmentation.ReceiveSequence), ReadOnlyMemory<byte>.Empty);

    private HdlcFrame Unnumbered(HdlcAddress client, HdlcFrameType type) =>
        new(client, Server, HdlcControl.Unnumbered(type), ReadOnlyMemory<byte>.Empty);
}
