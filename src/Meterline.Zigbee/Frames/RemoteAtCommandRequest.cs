namespace Meterline.Zigbee.Frames;

/// <summary>
/// Remote AT Command Request (0x17): an AT command for another module, sent over the air. Frame data: type ‖ frame
/// id ‖ 64-bit destination ‖ 16-bit destination ‖ remote command options ‖ AT command (2) ‖ parameter (Digi XBee
/// Zigbee user guide, "Remote AT Command Request - 0x17").
/// </summary>
public sealed record RemoteAtCommandRequest(
    byte FrameId,
    XBeeAddress64 Destination64,
    XBeeAddress16 Destination16,
    RemoteCommandOptions Options,
    string Command,
    ReadOnlyMemory<byte> Parameter) : XBeeFrame
{
    public override XBeeFrameType FrameType => XBeeFrameType.RemoteAtCommandRequest;

    public static RemoteAtCommandRequest Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.RemoteAtCommandRequest);
        var frameId = reader.ReadByte("frame id");
        var destination64 = reader.ReadAddress64("64-bit destination address");
        var destination16 = reader.ReadAddress16("16-bit destination address");
        var options = (RemoteCommandOptions)reader.ReadByte("remote command options");
        var command = reader.ReadCommandName();
        return new RemoteAtCommandRequest(frameId, destination64, destination16, options, command, reader.ReadRest());
    }

    private protected override int GetBodyLength()
    {
        XBeeText.CheckCommandName(Command);
        return 1 + 8 + 2 + 1 + 2 + Parameter.Length;
    }

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteAddress64(Destination64);
        writer.WriteAddress16(Destination16);
        writer.WriteByte((byte)Options);
        writer.WriteCommandName(Command);
        writer.WriteBytes(Parameter.Span);
    }
}
