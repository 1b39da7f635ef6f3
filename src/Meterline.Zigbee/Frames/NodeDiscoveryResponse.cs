namespace Meterline.Zigbee.Frames;

/// <summary>
/// The command data of one <c>ND</c> (node discovery) response in API mode: MY (2) ‖ SH (4) ‖ SL (4) ‖ NI
/// (NUL-terminated) ‖ parent network address (2) ‖ device type ‖ status ‖ profile id (2) ‖ manufacturer id (2) ‖
/// optional DD (4) and RSSI (1), kept as <see cref="Trailer"/> (Digi XBee Zigbee user guide, "ND (Network
/// Discovery)").
/// </summary>
public sealed record NodeDiscoveryResponse(
    XBeeAddress16 Address16,
    XBeeAddress64 Address64,
    string NodeIdentifier,
    XBeeAddress16 Parent16,
    XBeeDeviceType DeviceType,
    byte Status,
    ushort ProfileId,
    ushort ManufacturerId,
    ReadOnlyMemory<byte> Trailer)
{
    /// <summary>Decodes the command data; offsets in exceptions count from its first byte.</summary>
    public static NodeDiscoveryResponse Decode(ReadOnlySpan<byte> data)
    {
        var reader = new XBeeSpanReader(data);
        var my = reader.ReadAddress16("MY");
        var high = reader.ReadUInt32("SH");
        var low = reader.ReadUInt32("SL");
        var identifier = reader.ReadNullTerminated("NI");
        var parent = reader.ReadAddress16("parent network address");
        var deviceType = (XBeeDeviceType)reader.ReadByte("device type");
        var status = reader.ReadByte("status");
        var profile = reader.ReadUInt16("profile id");
        var manufacturer = reader.ReadUInt16("manufacturer id");
        return new NodeDiscoveryResponse(
            my, XBeeAddress64.FromHighLow(high, low), identifier, parent, deviceType, status, profile, manufacturer, reader.ReadRest());
    }

    public byte[] Encode()
    {
        XBeeText.CheckNodeIdentifier(NodeIdentifier);
        var data = new byte[2 + 8 + NodeIdentifier.Length + 1 + 2 + 1 + 1 + 2 + 2 + Trailer.Length];
        var writer = new XBeeSpanWriter(data);
        writer.WriteAddress16(Address16);
        writer.WriteAddress64(Address64);
        writer.WriteNullTerminated(NodeIdentifier);
        writer.WriteAddress16(Parent16);
        writer.WriteByte((byte)DeviceType);
        writer.WriteByte(Status);
        writer.WriteUInt16(ProfileId);
        writer.WriteUInt16(ManufacturerId);
        writer.WriteBytes(Trailer.Span);
        return data;
    }
}
