using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Response-Datablock (Green Book ed. 8 §9.5, set-response-datablock [2] of Set-Response, tag 0xC5): acknowledges
/// block <see cref="BlockNumber"/> of a long SET and asks for the next.
/// </summary>
public sealed record SetResponseDatablock(InvokeIdAndPriority InvokeIdAndPriority, uint BlockNumber) : Apdu
{
    internal const byte Choice = 2;

    public override byte Tag => ApduTag.SetResponse;

    internal static SetResponseDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetResponse, Choice, "Set-Response-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new SetResponseDatablock(invokeIdAndPriority, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteUInt32(BlockNumber);
    }
}
