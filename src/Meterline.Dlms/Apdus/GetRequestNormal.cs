using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Request-Normal (Green Book ed. 8 §9.5, get-request-normal [1] of Get-Request, tag 0xC0): reads one attribute,
/// optionally with selective access.
/// </summary>
public sealed record GetRequestNormal(
    InvokeIdAndPriority InvokeIdAndPriority,
    CosemAttributeDescriptor CosemAttributeDescriptor,
    SelectiveAccessDescriptor? AccessSelection = null) : Apdu
{
    internal const byte Choice = 1;

    public override byte Tag => ApduTag.GetRequest;

    internal static GetRequestNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetRequest, Choice, "Get-Request-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        var descriptor = CosemAttributeDescriptor.Read(ref reader);
        return new GetRequestNormal(invokeIdAndPriority, descriptor, ApduFields.ReadAccessSelection(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        CosemAttributeDescriptor.Write(writer);
        ApduFields.WriteAccessSelection(writer, AccessSelection);
    }
}
