using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// One element of the attribute list of GET-Request-With-List and the SET list requests (Green Book ed. 8 §9.5,
/// <c>Cosem-Attribute-Descriptor-With-Selection ::= SEQUENCE { cosem-attribute-descriptor, access-selection
/// Selective-Access-Descriptor OPTIONAL }</c>).
/// </summary>
public sealed record CosemAttributeDescriptorWithSelection(
    CosemAttributeDescriptor CosemAttributeDescriptor,
    SelectiveAccessDescriptor? AccessSelection = null)
{
    /// <summary>The fewest bytes one element takes: the descriptor and the usage flag.</summary>
    internal const int MinimumEncodedLength = CosemAttributeDescriptor.EncodedLength + 1;

    internal static CosemAttributeDescriptorWithSelection Read(ref AxdrReader reader)
    {
        var descriptor = CosemAttributeDescriptor.Read(ref reader);
        return new CosemAttributeDescriptorWithSelection(descriptor, ApduFields.ReadAccessSelection(ref reader));
    }

    internal void Write(AxdrWriter writer)
    {
        CosemAttributeDescriptor.Write(writer);
        ApduFields.WriteAccessSelection(writer, AccessSelection);
    }
}
