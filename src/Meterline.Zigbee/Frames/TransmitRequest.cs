namespace Meterline.Zigbee.Frames;

/// <summary>
/// Zigbee Transmit Request (0x10): RF data to a node. Frame data: type ‖ frame id ‖ 64-bit destination ‖ 16-bit
/// destination (0xFFFE when unknown) ‖ broadcast radius ‖ transmit options ‖ RF data (Digi XBee Zigbee user guide,
/// "Zigbee Transmit Request - 0x10"). The module answers with a <see cref="TransmitStatus"/> unless the frame id is 0.
/// </summary>
public sealed record TransmitRequest(
    byte FrameId,
    XBeeAddress64 Destination64,
    XBeeAddress16 Destination16,
    byte BroadcastRadius,
    TransmitOptions Options,
    ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.TransmitRequest;

    public static TransmitRequest Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.TransmitRequest);
        var frameId = reader.ReadByte("frame id");
        var destination64 = reader.ReadAddress64("64-bit destination address");
        var destination16 = reader.ReadAddress16("16-bit destination address");
        var radius = reader.ReadByte("broadcast radius");
        var options = (TransmitOptions)reader.ReadByte("transmit options");
        return new TransmitRequest(frameId, destination64, destination16, radius, options, reader.ReadRest());
    }

    private protected override int GetBodyLength() => 1 + 8 + 2 + 1 + 1 + Data.Length;

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteAddress64(Destination64);
        writer.WriteAddress16(Destination16);
        writer.WriteByte(BroadcastRadius);
        writer.WriteByte((byte)Options);
        writer.WriteBytes(Data.Span);
    }
}
