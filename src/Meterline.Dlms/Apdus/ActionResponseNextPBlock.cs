using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Response-Next-Pblock (Green Book ed. 8 §9.5, action-response-next-pblock [4] of Action-Response, tag 0xC7):
/// acknowledges block <see cref="BlockNumber"/> of long ACTION parameters and asks for the next.
/// </summary>
public sealed record ActionResponseNextPBlock(InvokeIdAndPriority InvokeIdAndPriority, uint BlockNumber) : Apdu
{
    internal const byte Choice = 4;

    public override byte Tag => ApduTag.ActionResponse;

    internal static ActionResponseNextPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionResponse, Choice, "Action-Response-Next-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionResponseNextPBlock(invokeIdAndPriority, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteUInt32(BlockNumber);
    }
}
