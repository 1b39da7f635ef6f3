namespace Meterline.Zigbee.Frames;

/// <summary>
/// Zigbee Explicit Rx Indicator (0x91): RF data from a node with its application-layer fields (with <c>AO</c> = 1).
/// Frame data: type ‖ 64-bit source ‖ 16-bit source ‖ source endpoint ‖ destination endpoint ‖ cluster id (2) ‖
/// profile id (2) ‖ receive options ‖ RF data (Digi XBee Zigbee user guide, "Zigbee Explicit Rx Indicator - 0x91").
/// </summary>
public sealed record ExplicitRxIndicator(
    XBeeAddress64 Source64,
    XBeeAddress16 Source16,
    byte SourceEndpoint,
    byte DestinationEndpoint,
    ushort ClusterId,
    ushort ProfileId,
    ReceiveOptions Options,
    ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.ExplicitRxIndicator;

    public static ExplicitRxIndicator Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.ExplicitRxIndicator);
        var source64 = reader.ReadAddress64("64-bit source address");
        var source16 = reader.ReadAddress16("16-bit source address");
        var sourceEndpoint = reader.ReadByte("source endpoint");
        var destinationEndpoint = reader.ReadByte("destination endpoint");
        var cluster = reader.ReadUInt16("cluster id");
        var profile = reader.ReadUInt16("profile id");
        var options = (ReceiveOptions)reader.ReadByte("receive options");
        return new ExplicitRxIndicator(source64, source16, sourceEndpoint, destinationEndpoint, cluster, profile, options, reader.ReadRest());
    }

    private protected override int GetBodyLength() => 8 + 2 + 1 + 1 + 2 + 2 + 1 + Data.Length;

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteAddress64(Source64);
        writer.WriteAddress16(Source16);
        writer.WriteByte(SourceEndpoint);
        writer.WriteByte(DestinationEndpoint);
        writer.WriteUInt16(ClusterId);
        writer.WriteUInt16(ProfileId);
        writer.WriteByte((byte)Options);
        writer.WriteBytes(Data.Span);
    }
}
