namespace Meterline.Dlms.Hdlc;

/// <summary>What receiving one frame meant to the link.</summary>
public enum HdlcLinkEvent
{
    /// <summary>Nothing for the layer above (an acknowledgement, a segment, a frame for another station).</summary>
    None,

    /// <summary>The link is up; <see cref="HdlcLinkStep"/> carries no APDU.</summary>
    Connected,

    /// <summary>The link is down (UA to DISC, DM, or a DISC from the peer).</summary>
    Disconnected,

    /// <summary>A whole APDU arrived (all segments reassembled, LLC header removed).</summary>
    ApduReceived,

    /// <summary>The peer is busy (RNR); poll again later.</summary>
    PeerBusy,

    /// <summary>The peer refused the link or a frame (DM while connecting, FRMR).</summary>
    Rejected,

    /// <summary>The peer broke the protocol (reassembly beyond the limit, wrong LLC header); the APDU is dropped.</summary>
    ProtocolError,
}
