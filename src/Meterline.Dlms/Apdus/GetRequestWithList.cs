using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Request-With-List (Green Book ed. 8 §9.5, get-request-with-list [3] of Get-Request, tag 0xC0): reads several
/// attributes at once.
/// </summary>
public sealed record GetRequestWithList(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList) : Apdu
{
    internal const byte Choice = 3;

    public ImmutableArray<CosemAttributeDescriptorWithSelection> AttributeDescriptorList { get; init; } = AttributeDescriptorList.OrEmpty();

    public override byte Tag => ApduTag.GetRequest;

    public bool Equals(GetRequestWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(AttributeDescriptorList, other.AttributeDescriptorList);

    public override int GetHashCode() => HashCode.Combine(InvokeIdAndPriority, ImmutableArrayEquality.Hash(AttributeDescriptorList));

    internal static GetRequestWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetRequest, Choice, "Get-Request-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var list = ApduFields.ReadList(ref reader, CosemAttributeDescriptorWithSelection.MinimumEncodedLength, CosemAttributeDescriptorWithSelection.Read);
        return new GetRequestWithList(invokeIdAndPriority, list);
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, AttributeDescriptorList, static (w, item) => item.Write(w));
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(CultureInfo.InvariantCulture, $", InvokeIdAndPriority = {InvokeIdAndPriority}, AttributeDescriptorList = {ApduText.List(AttributeDescriptorList)}");
        return true;
    }
}
