namespace Meterline.Dlms.Hdlc;

/// <summary>The outcome of one received frame: an event, an APDU when one completed, and a frame to send back.</summary>
public readonly record struct HdlcLinkStep(HdlcLinkEvent Event, HdlcFrame? Reply = null, ReadOnlyMemory<byte> Apdu = default)
{
    public static HdlcLinkStep Nothing => new(HdlcLinkEvent.None);
}
