using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Request-With-List-And-First-Datablock (Green Book ed. 8 §9.5, set-request-with-list-and-first-datablock [5] of
/// Set-Request, tag 0xC1): starts writing several attributes whose values do not fit one APDU.
/// </summary>
public sealed record SetRequestWithListAndFirstDatablock(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList,
    DataBlockSA DataBlock) : Apdu
{
    internal const byte Choice = 5;

    public ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList { get; init; } = AttributeDescriptorList.OrEmpty();

    public DataBlockSA DataBlock { get; init; } = DataBlock ?? throw new ArgumentNullException(nameof(DataBlock));

    public override byte Tag => ApduTag.SetRequest;

    public bool Equals(SetRequestWithListAndFirstDatablock? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(AttributeDescriptorList, other.AttributeDescriptorList)
        && DataBlock.Equals(other.DataBlock);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(AttributeDescriptorList), DataBlock);

    internal static SetRequestWithListAndFirstDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetRequest, Choice, "Set-Request-With-List-And-First-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptors = ApduFields.ReadList(ref reader, CosemAttributeDescriptorWithSelection.MinimumEncodedLength, CosemAttributeDescriptorWithSelection.Read);
        return new SetRequestWithListAndFirstDatablock(invokeIdAndPriority, descriptors, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, AttributeDescriptorList, static (w, item) => item.Write(w));
        DataBlock.Write(writer);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, AttributeDescriptorList = {ApduText.List(AttributeDescriptorList)}, DataBlock = {DataBlock}");
        return true;
    }
}
