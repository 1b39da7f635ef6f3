using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-With-First-Pblock (Green Book ed. 8 §9.5, action-request-with-first-pblock [4] of Action-Request,
/// tag 0xC3): invokes one method whose parameters do not fit one APDU.
/// </summary>
public sealed record ActionRequestWithFirstPBlock(
    InvokeIdAndPriority InvokeIdAndPriority,
    CosemMethodDescriptor CosemMethodDescriptor,
    DataBlockSA PBlock) : Apdu
{
    internal const byte Choice = 4;

    public DataBlockSA PBlock { get; init; } = PBlock ?? throw new ArgumentNullException(nameof(PBlock));

    public override byte Tag => ApduTag.ActionRequest;

    internal static ActionRequestWithFirstPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-With-First-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptor = CosemMethodDescriptor.Read(ref reader);
        return new ActionRequestWithFirstPBlock(invokeIdAndPriority, descriptor, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        CosemMethodDescriptor.Write(writer);
        PBlock.Write(writer);
    }
}
