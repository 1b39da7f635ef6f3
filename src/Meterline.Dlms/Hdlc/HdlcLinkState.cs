namespace Meterline.Dlms.Hdlc;

/// <summary>State of an HDLC data link (IEC 62056-46 §6.4.4).</summary>
public enum HdlcLinkState
{
    Disconnected,
    Connecting,
    Connected,
    Disconnecting,
}
