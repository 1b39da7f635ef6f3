namespace Meterline.Zigbee.Frames;

/// <summary>A frame of a type this library does not model: kept whole, not an error.</summary>
public sealed record UnknownFrame(byte Type, ReadOnlyMemory<byte> Data) : XBeeFrame
{
    public override XBeeFrameType FrameType => (XBeeFrameType)Type;

    public static UnknownFrame Decode(ReadOnlySpan<byte> frameData)
    {
        var reader = new XBeeSpanReader(frameData);
        var type = reader.ReadByte("frame type");
        return new UnknownFrame(type, reader.ReadRest());
    }

    private protected override int GetBodyLength() => Data.Length;

    private protected override void WriteBody(ref XBeeSpanWriter writer) => writer.WriteBytes(Data.Span);
}
