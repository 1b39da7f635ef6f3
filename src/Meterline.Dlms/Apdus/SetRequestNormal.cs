using System.Globalization;
using System.Text;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Request-Normal (Green Book ed. 8 §9.5, set-request-normal [1] of Set-Request, tag 0xC1): writes one attribute.
/// <see cref="ToString"/> shows the value's type only: a SET may carry a secret.
/// </summary>
public sealed record SetRequestNormal(
    InvokeIdAndPriority InvokeIdAndPriority,
    CosemAttributeDescriptor CosemAttributeDescriptor,
    SelectiveAccessDescriptor? AccessSelection,
    CosemData Value) : Apdu
{
    internal const byte Choice = 1;

    public CosemData Value { get; init; } = Value ?? throw new ArgumentNullException(nameof(Value));

    public override byte Tag => ApduTag.SetRequest;

    internal static SetRequestNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetRequest, Choice, "Set-Request-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptor = CosemAttributeDescriptor.Read(ref reader);
        var access = ApduFields.ReadAccessSelection(ref reader);
        return new SetRequestNormal(invokeIdAndPriority, descriptor, access, CosemDataCodec.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        CosemAttributeDescriptor.Write(writer);
        ApduFields.WriteAccessSelection(writer, AccessSelection);
        CosemDataCodec.Write(writer, Value);
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(
            CultureInfo.InvariantCulture,
            $", InvokeIdAndPriority = {InvokeIdAndPriority}, CosemAttributeDescriptor = {CosemAttributeDescriptor}, AccessSelection = {AccessSelection}, Value = {ApduText.Redacted(Value)}");
        return true;
    }
}
