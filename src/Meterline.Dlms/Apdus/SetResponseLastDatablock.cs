using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Response-Last-Datablock (Green Book ed. 8 §9.5, set-response-last-datablock [3] of Set-Response, tag 0xC5):
/// the outcome of a long SET of one attribute, after its last block.
/// </summary>
public sealed record SetResponseLastDatablock(InvokeIdAndPriority InvokeIdAndPriority, DataAccessResult Result, uint BlockNumber) : Apdu
{
    internal const byte Choice = 3;

    public override byte Tag => ApduTag.SetResponse;

    internal static SetResponseLastDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetResponse, Choice, "Set-Response-Last-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var result = ApduFields.ReadDataAccessResult(ref reader);
        return new SetResponseLastDatablock(invokeIdAndPriority, result, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteByte((byte)Result);
        writer.WriteUInt32(BlockNumber);
    }
}
