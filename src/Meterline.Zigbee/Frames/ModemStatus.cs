namespace Meterline.Zigbee.Frames;

/// <summary>
/// Modem Status (0x8A): an unsolicited event of the local module. Frame data: type ‖ status (Digi XBee Zigbee user
/// guide, "Modem Status - 0x8A").
/// </summary>
public sealed record ModemStatus(ModemStatusCode Status) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.ModemStatus;

    public static ModemStatus Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.ModemStatus);
        var status = (ModemStatusCode)reader.ReadByte("modem status");
        reader.ExpectEnd("Modem Status");
        return new ModemStatus(status);
    }

    private protected override int GetBodyLength() => 1;

    private protected override void WriteBody(ref XBeeSpanWriter writer) => writer.WriteByte((byte)Status);
}
