namespace Meterline.Zigbee.Frames;

/// <summary>
/// AT Command (0x08): query or set a parameter of the local module; a set is applied at once. Frame data: type ‖
/// frame id ‖ AT command (2 ASCII) ‖ parameter (Digi XBee Zigbee user guide, "Local AT Command Request - 0x08").
/// Frame id 0 asks for no response.
/// </summary>
public sealed record AtCommand(byte FrameId, string Command, ReadOnlyMemory<byte> Parameter) : XBeeFrame
{
    public AtCommand(byte frameId, string command)
        : this(frameId, command, ReadOnlyMemory<byte>.Empty)
    {
    }

    public override XBeeFrameType FrameType => XBeeFrameType.AtCommand;

    public static AtCommand Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.AtCommand);
        var frameId = reader.ReadByte("frame id");
        var command = reader.ReadCommandName();
        return new AtCommand(frameId, command, reader.ReadRest());
    }

    private protected override int GetBodyLength()
    {
        XBeeText.CheckCommandName(Command);
        return 1 + 2 + Parameter.Length;
    }

    private protected override void WriteBody(ref XBeeSpanWriter writer)
    {
        writer.WriteByte(FrameId);
        writer.WriteCommandName(Command);
        writer.WriteBytes(Parameter.Span);
    }
}
