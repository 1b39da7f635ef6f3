namespace Meterline.Zigbee.Frames;

/// <summary>
/// Node Identification Indicator (0x95): a node announced itself (joined, power cycle, commissioning button). Frame
/// data: type ‖ 64-bit sender ‖ 16-bit sender ‖ receive options ‖ 16-bit remote ‖ 64-bit remote ‖ node identifier
/// (NUL-terminated) ‖ parent 16-bit address ‖ device type ‖ source event ‖ Digi profile id (2) ‖ manufacturer id (2) ‖
/// optional device type identifier (4) and RSSI (1), kept as <see cref="Trailer"/> (Digi XBee Zigbee user guide,
/// "Node Identification Indicator - 0x95").
/// </summary>
public sealed record NodeIdentificationIndicator(
    XBeeAddress64 Sender64,
    XBeeAddress16 Sender16,
    ReceiveOptions Options,
    XBeeAddress16 Remote16,
    XBeeAddress64 Remote64,
    string NodeIdentifier,
    XBeeAddress16 Parent16,
    XBeeDeviceType DeviceType,
    NodeIdentificationEvent SourceEvent,
    ushort DigiProfileId,
    ushort ManufacturerId,
    ReadOnlyMemory<byte> Trailer) : XBeeFrame
{
    /// <summary>The Digi application profile id, 0xC105.</summary>
    public const ushort DefaultDigiProfileId = 0xC105;

    /// <summary>Digi's Zigbee manufacturer id, 0x101E.</summary>
    public const ushort DigiManufacturerId = 0x101E;

    public override XBeeFrameType FrameType => XBeeFrameType.NodeIdentificationIndicator;

    public static NodeIdentificationIndicator Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.NodeIdentificationIndicator);
        var sender64 = reader.ReadAddress64("64-bit sender address");
        var sender16 = reader.ReadAddress16("16-bit sender address");
        var options = (ReceiveOptions)reader.ReadByte("receive options");
        var remote16 = reader.ReadAddress16("16-bit remote address");
        var remote64 = reader.ReadAddress64("64-bit remote address");
        var identifier = reader.ReadNullTerminated("node identifier");
        var parent = reader.ReadAddress16("parent 16-bit address");
        var deviceType = (XBeeDeviceType)reader.ReadByte("device type");
        var sourceEvent = (NodeIdentificationEvent)reader.ReadByte("source event");
        var profile = reader.ReadUInt16("Digi profile id");
        var manufacturer = reader.ReadUInt16("manufacturer id");
        return new NodeIdentificationIndicator(
            sender64, sender16, options, remote16, remote64, identifier, parent, deviceType, sourceEvent, profile, manufacturer, reader.ReadRest());
    }

    private protected override int GetBodyLength()
    {
        XBeeText.CheckNodeIdentifier(NodeIdentifier);
        return 8 + 2 + 1 + 2 + 8 + NodeIdentifier.Length + 1 + 2 + 1 + 1 + 2 + 2 + Trailer.Length;
    }

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteAddress64(Sender64);
        writer.WriteAddress16(Sender16);
        writer.WriteByte((byte)Options);
        writer.WriteAddress16(Remote16);
        writer.WriteAddress64(Remote64);
        writer.WriteNullTerminated(NodeIdentifier);
        writer.WriteAddress16(Parent16);
        writer.WriteByte((byte)DeviceType);
        writer.WriteByte((byte)SourceEvent);
        writer.WriteUInt16(DigiProfileId);
        writer.WriteUInt16(ManufacturerId);
        writer.WriteBytes(Trailer.Span);
    }
}
