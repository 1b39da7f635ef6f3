using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-With-Pblock (Green Book ed. 8 §9.5, action-request-with-pblock [6] of Action-Request, tag 0xC3): a
/// further block of long ACTION parameters.
/// </summary>
public sealed record ActionRequestWithPBlock(InvokeIdAndPriority InvokeIdAndPriority, DataBlockSA PBlock) : Apdu
{
    internal const byte Choice = 6;

    public DataBlockSA PBlock { get; init; } = PBlock ?? throw new ArgumentNullException(nameof(PBlock));

    public override byte Tag => ApduTag.ActionRequest;

    internal static ActionRequestWithPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-With-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionRequestWithPBlock(invokeIdAndPriority, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        PBlock.Write(writer);
    }
}
