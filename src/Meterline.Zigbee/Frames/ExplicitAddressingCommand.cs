namespace Meterline.Zigbee.Frames;

/// <summary>
/// Explicit Addressing Zigbee Command Frame (0x11): a transmit request naming the application-layer fields. Frame
/// data: type ‖ frame id ‖ 64-bit destination ‖ 16-bit destination ‖ source endpoint ‖ destination endpoint ‖ cluster
/// id (2) ‖ profile id (2) ‖ broadcast radius ‖ transmit options ‖ RF data (Digi XBee Zigbee user guide, "Explicit
/// Addressing Zigbee Command Frame - 0x11").
/// </summary>
public sealed record ExplicitAddressingCommand(
    byte FrameId,
    XBeeAddress64 Destination64,
    XBeeAddress16 Destination16,
    byte SourceEndpoint,
    byte DestinationEndpoint,
    ushort ClusterId,
    ushort ProfileId,
    byte BroadcastRadius,
    TransmitOptions Options,
    ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.ExplicitAddressingCommand;

    public static ExplicitAddressingCommand Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.ExplicitAddressingCommand);
        var frameId = reader.ReadByte("frame id");
        var destination64 = reader.ReadAddress64("64-bit destination address");
        var destination16 = reader.ReadAddress16("16-bit destination address");
        var sourceEndpoint = reader.ReadByte("source endpoint");
        var destinationEndpoint = reader.ReadByte("destination endpoint");
        var cluster = reader.ReadUInt16("cluster id");
        var profile = reader.ReadUInt16("profile id");
        var radius = reader.ReadByte("broadcast radius");
        var options = (TransmitOptions)reader.ReadByte("transmit options");
        return new ExplicitAddressingCommand(
            frameId, destination64, destination16, sourceEndpoint, destinationEndpoint, cluster, profile, radius, options, reader.ReadRest());
    }

    private protected override int GetBodyLength() => 1 + 8 + 2 + 1 + 1 + 2 + 2 + 1 + 1 + Data.Length;

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteAddress64(Destination64);
        writer.WriteAddress16(Destination16);
        writer.WriteByte(SourceEndpoint);
        writer.WriteByte(DestinationEndpoint);
        writer.WriteUInt16(ClusterId);
        writer.WriteUInt16(ProfileId);
        writer.WriteByte(BroadcastRadius);
        writer.WriteByte((byte)Options);
        writer.WriteBytes(Data.Span);
    }
}
