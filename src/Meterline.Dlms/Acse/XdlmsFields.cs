using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>A-XDR encoding of OPTIONAL and DEFAULT components (IEC 61334-6 A-XDR), as used by the xDLMS initiate APDUs.</summary>
internal static class XdlmsFields
{
    /// <summary>
    /// Reads the usage flag before an OPTIONAL or DEFAULT component: 0x00 absent (or default), 0x01 present.
    /// Any other value is malformed.
    /// </summary>
    public static bool ReadUsageFlag(ref AxdrReader reader)
    {
        var flag = reader.ReadByte();
        return flag switch
        {
            0 => false,
            1 => true,
            _ => throw reader.ErrorAt(reader.Position - 1, DlmsErrorReason.Malformed, $"Usage flag 0x{flag:X2} is neither 0x00 nor 0x01"),
        };
    }

    public static void WriteOptionalInteger8(AxdrWriter writer, sbyte? value)
    {
        if (value is { } v)
        {
            writer.WriteByte(1);
            writer.WriteSByte(v);
        }
        else
        {
            writer.WriteByte(0);
        }
    }
}
