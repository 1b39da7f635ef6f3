using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Request-With-List (Green Book ed. 8 §9.5, action-request-with-list [3] of Action-Request, tag 0xC3):
/// invokes several methods, one parameter per method. <see cref="ToString"/> shows the parameters' types only.
/// </summary>
public sealed record ActionRequestWithList(
    InvokeIdAndPriority InvokeIdAndPriority,
    ImmutableArray<CosemMethodDescriptor> CosemMethodDescriptorList,
    ImmutableArray<CosemData> MethodInvocationParameters) : Apdu
{
    internal const byte Choice = 3;

    public ImmutableArray<CosemMethodDescriptor> CosemMethodDescriptorList { get; init; } = CosemMethodDescriptorList.OrEmpty();

    public ImmutableArray<CosemData> MethodInvocationParameters { get; init; } = MethodInvocationParameters.OrEmpty();

    public override byte Tag => ApduTag.ActionRequest;

    public bool Equals(ActionRequestWithList? other) =>
        other is not null
        && InvokeIdAndPriority == other.InvokeIdAndPriority
        && ImmutableArrayEquality.Equal(CosemMethodDescriptorList, other.CosemMethodDescriptorList)
        && ImmutableArrayEquality.Equal(MethodInvocationParameters, other.MethodInvocationParameters);

    public override int GetHashCode() => HashCode.Combine(
        InvokeIdAndPriority,
        ImmutableArrayEquality.Hash(CosemMethodDescriptorList),
        ImmutableArrayEquality.Hash(MethodInvocationParameters));

    internal static ActionRequestWithList Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionRequest, Choice, "Action-Request-With-List");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptors = ApduFields.ReadList(ref reader, CosemMethodDescriptor.EncodedLength, CosemMethodDescriptor.Read);
        return new ActionRequestWithList(invokeIdAndPriority, descriptors, ApduFields.ReadList(ref reader, 1, CosemDataCodec.Read));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        ApduFields.WriteList(writer, CosemMethodDescriptorList, static (w, item) => item.Write(w));
        ApduFields.WriteList(writer, MethodInvocationParameters, CosemDataCodec.Write);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, CosemMethodDescriptorList = {ApduText.List(CosemMethodDescriptorList)}, MethodInvocationParameters = {ApduText.RedactedList(MethodInvocationParameters)}");
        return true;
    }
}
