using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Response-With-Pblock (Green Book ed. 8 §9.5, action-response-with-pblock [2] of Action-Response, tag 0xC7):
/// one block of ACTION results too long for one APDU, or an acknowledgement of a parameter block.
/// </summary>
public sealed record ActionResponseWithPBlock(InvokeIdAndPriority InvokeIdAndPriority, DataBlockSA PBlock) : Apdu
{
    internal const byte Choice = 2;

    public DataBlockSA PBlock { get; init; } = PBlock ?? throw new ArgumentNullException(nameof(PBlock));

    public override byte Tag => ApduTag.ActionResponse;

    internal static ActionResponseWithPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionResponse, Choice, "Action-Response-With-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionResponseWithPBlock(invokeIdAndPriority, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        PBlock.Write(writer);
    }
}
