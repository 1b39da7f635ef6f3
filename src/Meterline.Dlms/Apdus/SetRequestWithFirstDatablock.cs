using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Request-With-First-Datablock (Green Book ed. 8 §9.5, set-request-with-first-datablock [2] of Set-Request, tag
/// 0xC1): starts writing a value too long for one APDU.
/// </summary>
public sealed record SetRequestWithFirstDatablock(
    InvokeIdAndPriority InvokeIdAndPriority,
    CosemAttributeDescriptor CosemAttributeDescriptor,
    SelectiveAccessDescriptor? AccessSelection,
    DataBlockSA DataBlock) : Apdu
{
    internal const byte Choice = 2;

    public DataBlockSA DataBlock { get; init; } = DataBlock ?? throw new ArgumentNullException(nameof(DataBlock));

    public override byte Tag => ApduTag.SetRequest;

    internal static SetRequestWithFirstDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetRequest, Choice, "Set-Request-With-First-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptor = CosemAttributeDescriptor.Read(ref reader);
        var access = ApduFields.ReadAccessSelection(ref reader);
        return new SetRequestWithFirstDatablock(invokeIdAndPriority, descriptor, access, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        CosemAttributeDescriptor.Write(writer);
        ApduFields.WriteAccessSelection(writer, AccessSelection);
        DataBlock.Write(writer);
    }
}
