namespace Meterline.Zigbee.Frames;

/// <summary>
/// Remote AT Command Response (0x97). Frame data: type ‖ frame id ‖ 64-bit source ‖ 16-bit source ‖ AT command (2) ‖
/// command status ‖ command data (Digi XBee Zigbee user guide, "Remote AT Command Response - 0x97").
/// </summary>
public sealed record RemoteAtCommandResponse(
    byte FrameId,
    XBeeAddress64 Source64,
    XBeeAddress16 Source16,
    string Command,
    AtCommandStatus Status,
    ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.RemoteAtCommandResponse;

    public static RemoteAtCommandResponse Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.RemoteAtCommandResponse);
        var frameId = reader.ReadByte("frame id");
        var source64 = reader.ReadAddress64("64-bit source address");
        var source16 = reader.ReadAddress16("16-bit source address");
        var command = reader.ReadCommandName();
        var status = (AtCommandStatus)reader.ReadByte("command status");
        return new RemoteAtCommandResponse(frameId, source64, source16, command, status, reader.ReadRest());
    }

    private protected override int GetBodyLength()
    {
        XBeeText.CheckCommandName(Command);
        return 1 + 8 + 2 + 2 + 1 + Data.Length;
    }

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteAddress64(Source64);
        writer.WriteAddress16(Source16);
        writer.WriteCommandName(Command);
        writer.WriteByte((byte)Status);
        writer.WriteBytes(Data.Span);
    }
}
