namespace Meterline.Dlms.Hdlc;

/// <summary>The HDLC frame types used by IEC 62056-46 (unbalanced normal response mode).</summary>
public enum HdlcFrameType
{
    /// <summary>Information frame carrying (a segment of) an APDU.</summary>
    Information,

    /// <summary>Receive ready: acknowledges I frames, and polls for the next segment.</summary>
    ReceiveReady,

    /// <summary>Receive not ready: the receiver is busy.</summary>
    ReceiveNotReady,

    /// <summary>Set normal response mode: the client opens the link.</summary>
    SetNormalResponseMode,

    /// <summary>Disconnect: the client closes the link.</summary>
    Disconnect,

    /// <summary>Unnumbered acknowledge: answer to SNRM and DISC.</summary>
    UnnumberedAcknowledge,

    /// <summary>Disconnected mode: the server is not connected.</summary>
    DisconnectedMode,

    /// <summary>Frame reject: the server received a frame it cannot accept.</summary>
    FrameReject,

    /// <summary>Unnumbered information: an APDU outside the numbered sequence.</summary>
    UnnumberedInformation,
}
