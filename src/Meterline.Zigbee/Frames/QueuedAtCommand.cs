namespace Meterline.Zigbee.Frames;

/// <summary>
/// AT Command - Queue Parameter Value (0x09): like <see cref="AtCommand"/>, but a set waits for <c>AC</c> (or the next 0x08 frame). Frame data: type ‖
/// frame id ‖ AT command (2 ASCII) ‖ parameter (Digi XBee Zigbee user guide, "Queue Local AT Command Request - 0x09").
/// Frame id 0 asks for no response.
/// </summary>
public sealed record QueuedAtCommand(byte FrameId, string Command, ReadOnlyMemory<byte> Parameter) : XBeeFrame
{
    public QueuedAtCommand(byte frameId, string command)
        : this(frameId, command, ReadOnlyMemory<byte>.Empty)
    {
    }

    public override XBeeFrameType FrameType => XBeeFrameType.QueuedAtCommand;

    public static QueuedAtCommand Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = Open(frameData, XBeeFrameType.QueuedAtCommand);
        var frameId = reader.ReadByte("frame id");
        var command = reader.ReadCommandName();
        return new QueuedAtCommand(frameId, command, reader.ReadRest());
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
