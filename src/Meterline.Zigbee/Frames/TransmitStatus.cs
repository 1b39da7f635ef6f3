namespace Meterline.Zigbee.Frames;

/// <summary>
/// Zigbee Transmit Status (0x8B): the outcome of a transmit request. Frame data: type ‖ frame id ‖ 16-bit destination
/// address (the one the packet was delivered to) ‖ transmit retry count ‖ delivery status ‖ discovery status (Digi XBee
/// Zigbee user guide, "Extended Transmit Status - 0x8B").
/// </summary>
public sealed record TransmitStatus(
    byte FrameId,
    XBeeAddress16 Destination16,
    byte RetryCount,
    DeliveryStatus Delivery,
    DiscoveryStatus Discovery) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.TransmitStatus;

    public bool IsSuccess => Delivery == DeliveryStatus.Success;

    public static TransmitStatus Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.TransmitStatus);
        var frameId = reader.ReadByte("frame id");
        var destination16 = reader.ReadAddress16("16-bit destination address");
        var retries = reader.ReadByte("transmit retry count");
        var delivery = (DeliveryStatus)reader.ReadByte("delivery status");
        var discovery = (DiscoveryStatus)reader.ReadByte("discovery status");
        reader.ExpectEnd("Transmit Status");
        return new TransmitStatus(frameId, destination16, retries, delivery, discovery);
    }

    private protected override int GetBodyLength() => 1 + 2 + 1 + 1 + 1;

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteAddress16(Destination16);
        writer.WriteByte(RetryCount);
        writer.WriteByte((byte)Delivery);
        writer.WriteByte((byte)Discovery);
    }
}
