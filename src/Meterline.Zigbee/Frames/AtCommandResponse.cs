namespace Meterline.Zigbee.Frames;

/// <summary>
/// AT Command Response (0x88): the local module's answer. Frame data: type ‖ frame id ‖ AT command (2) ‖ command
/// status ‖ command data (Digi XBee Zigbee user guide, "Local AT Command Response - 0x88"). Node discovery (<c>ND</c>)
/// answers with one response per node, then one with no data.
/// </summary>
public sealed record AtCommandResponse(byte FrameId, string Command, AtCommandStatus Status, ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.AtCommandResponse;

    public static AtCommandResponse Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.AtCommandResponse);
        var frameId = reader.ReadByte("frame id");
        var command = reader.ReadCommandName();
        var status = (AtCommandStatus)reader.ReadByte("command status");
        return new AtCommandResponse(frameId, command, status, reader.ReadRest());
    }

    private protected override int GetBodyLength()
    {
        XBeeText.CheckCommandName(Command);
        return 1 + 2 + 1 + Data.Length;
    }

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteCommandName(Command);
        writer.WriteByte((byte)Status);
        writer.WriteBytes(Data.Span);
    }
}
