using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Request-With-List (Green Book ed. 8 §9.5, set-request-with-list [4] of Set-Request, tag 0xC1): writes several
/// attributes, one value per descriptor. <see cref="ToString"/> shows the values' types only.
/// </summary>
public sealed record SetRequestWithList(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList,
    ImmutableArray<CosemData> ValueList) : Apdu
{
    internal const byte Choice = 4;

    public ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList { get; init; } = AttributeDescriptorList.OrEmpty();

    public ImmutableArray<CosemData> ValueList { get; init; } = ValueList.OrEmpty();

    public override byte Tag => ApduTag.SetRequest;

    public bool Equals(SetRequestWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(AttributeDescriptorList, other.AttributeDescriptorList)
        && ImmutableArrayEquality.Equal(ValueList, other.ValueList);

    public override int GetHashCode() => HashCode.Combine(
        InvokeIdAndPriority,
        ImmutableArrayEquality.Hash(AttributeDescriptorList),
        ImmutableArrayEquality.Hash(ValueList));

    internal static SetRequestWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetRequest, Choice, "Set-Request-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptors = ApduFields.ReadList(ref reader, CosemAttributeDescriptorWithSelection.MinimumEncodedLength, CosemAttributeDescriptorWithSelection.Read);
        return new SetRequestWithList(invokeIdAndPriority, descriptors, ApduFields.ReadList(ref reader, 1, CosemDataCodec.Read));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, AttributeDescriptorList, static (w, item) => item.Write(w));
        ApduFields.WriteList(writer, ValueList, CosemDataCodec.Write);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, AttributeDescriptorList = {ApduText.List(AttributeDescriptorList)}, ValueList = {ApduText.RedactedList(ValueList)}");
        return true;
    }
}
