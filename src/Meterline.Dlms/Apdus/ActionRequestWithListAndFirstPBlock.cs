using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-With-List-And-First-Pblock (Green Book ed. 8 §9.5, action-request-with-list-and-first-pblock [5] of
/// Action-Request, tag 0xC3): invokes several methods whose parameters do not fit one APDU.
/// </summary>
public sealed record ActionRequestWithListAndFirstPBlock(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<CosemMethodDescriptor> CosemMethodDescriptorList,
    DataBlockSA PBlock) : Apdu
{
    internal const byte Choice = 5;

    public ImmutableArray<CosemMethodDescriptor> CosemMethodDescriptorList { get; init; } = CosemMethodDescriptorList.OrEmpty();

    public DataBlockSA PBlock { get; init; } = PBlock ?? throw new ArgumentNullException(nameof(PBlock));

    public override byte Tag => ApduTag.ActionRequest;

    public bool Equals(ActionRequestWithListAndFirstPBlock? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(CosemMethodDescriptorList, other.CosemMethodDescriptorList)
        && PBlock.Equals(other.PBlock);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(CosemMethodDescriptorList), PBlock);

    internal static ActionRequestWithListAndFirstPBlock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-With-List-And-First-Pblock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptors = ApduFields.ReadList(ref reader, CosemMethodDescriptor.EncodedLength, CosemMethodDescriptor.Read);
        return new ActionRequestWithListAndFirstPBlock(invokeIdAndPriority, descriptors, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, CosemMethodDescriptorList, static (w, item) => item.Write(w));
        PBlock.Write(writer);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, CosemMethodDescriptorList = {ApduText.List(CosemMethodDescriptorList)}, PBlock = {PBlock}");
        return true;
    }
}
