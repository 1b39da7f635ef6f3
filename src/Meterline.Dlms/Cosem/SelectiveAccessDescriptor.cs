using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Restricts what a GET or SET touches of an attribute (Green Book ed. 8 §9.5, <c>Selective-Access-Descriptor ::=
/// SEQUENCE { access-selector Unsigned8, access-parameters Data }</c>). The meaning of the parameters depends on the
/// selector and the interface class: for Profile generic, selector 1 is a <see cref="RangeDescriptor"/> and selector 2
/// an <see cref="EntryDescriptor"/> (Blue Book, class 7 buffer attribute).
/// </summary>
public sealed record SelectiveAccessDescriptor(byte AccessSelector, CosemData AccessParameters)
{
    public CosemData AccessParameters { get; init; } =
        AccessParameters ?? throw new ArgumentNullException(nameof(AccessParameters));

    internal static SelectiveAccessDescriptor Read(ref AxdrReader reader)
    {
        var selector = reader.ReadByte();
        return new SelectiveAccessDescriptor(selector, CosemDataCodec.Read(ref reader));
    }

    internal void Write(AxdrWriter writer)
    {
        writer.WriteByte(AccessSelector);
        CosemDataCodec.Write(writer, AccessParameters);
    }
}
