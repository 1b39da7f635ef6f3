namespace Meterline.Zigbee.Frames;

/// <summary>
/// Zigbee Receive Packet (0x90): RF data from a node (with <c>AO</c> = 0). Frame data: type ‖ 64-bit source ‖ 16-bit
/// source ‖ receive options ‖ RF data (Digi XBee Zigbee user guide, "Zigbee Receive Packet - 0x90").
/// </summary>
public sealed record ReceivePacket(
    XBeeAddress64 Source64,
    XBeeAddress16 Source16,
    ReceiveOptions Options,
    ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.ReceivePacket;

    public static ReceivePacket Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.ReceivePacket);
        var source64 = reader.ReadAddress64("64-bit source address");
        var source16 = reader.ReadAddress16("16-bit source address");
        var options = (ReceiveOptions)reader.ReadByte("receive options");
        return new ReceivePacket(source64, source16, options, reader.ReadRest());
    }

    private protected override int GetBodyLength() => 8 + 2 + 1 + Data.Length;

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteAddress64(Source64);
        writer.WriteAddress16(Source16);
        writer.WriteByte((byte)Options);
        writer.WriteBytes(Data.Span);
    }
}
