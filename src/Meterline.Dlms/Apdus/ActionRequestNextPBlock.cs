using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-Next-Pblock (Green Book ed. 8 §9.5, action-request-next-pblock [2] of Action-Request, tag 0xC3):
/// acknowledges block <see cref="BlockNumber"/> of long ACTION results and asks for the next.
/// </summary>
public sealed record ActionRequestNextPBlock(InvokeIdAndPriority InvokeIdAndPriority, uint BlockNumber) : Apdu
{
    internal const byte Choice = 2;

    public override byte Tag => ApduTag.ActionRequest;

    internal static ActionRequestNextPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-Next-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionRequestNextPBlock(invokeIdAndPriority, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteUInt32(BlockNumber);
    }
}
