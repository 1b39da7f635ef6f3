using System.Globalization;

namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The HDLC control field (IEC 62056-46 §6.4.3, modulo 8): I frames <c>RRR P SSS 0</c>, supervisory frames
/// <c>RRR P/F ss 01</c>, unnumbered frames <c>mmm P/F mm 11</c>.
/// </summary>
public readonly record struct HdlcControl(byte Value)
{
    private const byte PollFinalBit = 0x10;

    public HdlcFrameType FrameType => (Value & 0x01) == 0
        ? HdlcFrameType.Information
        : (Value & 0x03) == 0x01
            ? (Value & 0x0F) switch
            {
                0x01 => HdlcFrameType.ReceiveReady,
                0x05 => HdlcFrameType.ReceiveNotReady,
                _ => throw new InvalidOperationException("Unknown supervisory frame"),
            }
            : (Value & 0xEF) switch
            {
                0x83 => HdlcFrameType.SetNormalResponseMode,
                0x43 => HdlcFrameType.Disconnect,
                0x63 => HdlcFrameType.UnnumberedAcknowledge,
                0x0F => HdlcFrameType.DisconnectedMode,
                0x87 => HdlcFrameType.FrameReject,
                0x03 => HdlcFrameType.UnnumberedInformation,
                _ => throw new InvalidOperationException("Unknown unnumbered frame"),
            };

    /// <summary>True when the value names a frame type this implementation knows.</summary>
    public bool IsKnown => (Value & 0x01) == 0
        || (Value & 0x0F) is 0x01 or 0x05
        || (Value & 0xEF) is 0x83 or 0x43 or 0x63 or 0x0F or 0x87 or 0x03;

    /// <summary>The poll (command) or final (response) bit.</summary>
    public bool PollFinal => (Value & PollFinalBit) != 0;

    /// <summary>N(S) of an I frame.</summary>
    public int SendSequence => (Value >> 1) & 0x07;

    /// <summary>N(R) of an I or supervisory frame.</summary>
    public int ReceiveSequence => (Value >> 5) & 0x07;

    public static HdlcControl Information(int sendSequence, int receiveSequence, bool pollFinal) =>
        new((byte)(((receiveSequence & 7) << 5) | (pollFinal ? PollFinalBit : 0) | ((sendSequence & 7) << 1)));

    public static HdlcControl ReceiveReady(int receiveSequence, bool pollFinal = true) =>
        new((byte)(((receiveSequence & 7) << 5) | (pollFinal ? PollFinalBit : 0) | 0x01));

    public static HdlcControl ReceiveNotReady(int receiveSequence, bool pollFinal = true) =>
        new((byte)(((receiveSequence & 7) << 5) | (pollFinal ? PollFinalBit : 0) | 0x05));

    public static HdlcControl Unnumbered(HdlcFrameType type, bool pollFinal = true)
    {
        byte value = type switch
        {
            HdlcFrameType.SetNormalResponseMode => 0x83,
            HdlcFrameType.Disconnect => 0x43,
            HdlcFrameType.UnnumberedAcknowledge => 0x63,
            HdlcFrameType.DisconnectedMode => 0x0F,
            HdlcFrameType.FrameReject => 0x87,
            HdlcFrameType.UnnumberedInformation => 0x03,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an unnumbered frame type"),
        };
        return new HdlcControl((byte)(value | (pollFinal ? PollFinalBit : 0)));
    }

    public override string ToString() => FrameType switch
    {
        HdlcFrameType.Information => string.Create(CultureInfo.InvariantCulture, $"I(S={SendSequence},R={ReceiveSequence}{(PollFinal ? ",P/F" : string.Empty)})"),
        HdlcFrameType.ReceiveReady or HdlcFrameType.ReceiveNotReady => string.Create(CultureInfo.InvariantCulture, $"{FrameType}(R={ReceiveSequence}{(PollFinal ? ",P/F" : string.Empty)})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{FrameType}{(PollFinal ? "(P/F)" : string.Empty)}"),
    };
}
