using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// Reads and writes the BER-encoded conformance block inside the A-XDR encoded InitiateRequest and
/// InitiateResponse: <c>5F 1F 04 00 b0 b1 b2</c>, i.e. [APPLICATION 31], length 4, no unused bits, 24 bits.
/// </summary>
internal static class ConformanceBlock
{
    private const int ContentLength = 4;

    private static BerTag BlockTag => BerTag.Application(31);

    public static Conformance Read(ref AxdrReader reader)
    {
        var ber = new BerReader(reader.RemainingBytes, reader.Offset);
        var content = ber.ReadPrimitive(BlockTag);
        if (content.Length != ContentLength)
        {
            throw reader.Error(DlmsErrorReason.Malformed, "The conformance block must hold exactly 24 bits");
        }

        if (content[0] != 0)
        {
            throw ber.ErrorAt(ber.Position - ContentLength, DlmsErrorReason.Malformed, "The conformance block must have no unused bits");
        }

        reader.ReadBytes(ber.Position);
        return (Conformance)(((uint)content[1] << 16) | ((uint)content[2] << 8) | content[3]);
    }

    public static void Write(AxdrWriter writer, Conformance conformance)
    {
        var value = (uint)conformance;
        if (value > 0xFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(conformance), "The conformance block has 24 bits");
        }

        new BerWriter(writer.Output).WritePrimitive(BlockTag, [0, (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
