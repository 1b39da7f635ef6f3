using System.Numerics;

namespace Meterline.Dlms.Acse;

/// <summary>
/// BIT STRINGs with named bits (X.690 §8.6), mapped to flags where named bit n is 1 &lt;&lt; n. BER bit 0 is the
/// most significant bit of the first octet after the unused-bits octet. Encoding drops trailing zero bits, as
/// X.690 §11.2.2 asks of named-bit lists; up to 32 bits are supported.
/// </summary>
internal static class AcseBitString
{
    public static uint Read(ref BerReader reader, BerTag tag)
    {
        var content = reader.ReadPrimitive(tag);
        var contentStart = reader.Offset - content.Length;
        if (content.IsEmpty)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, contentStart, "BIT STRING has no unused-bits octet");
        }

        var unused = content[0];
        if (unused > 7 || (content.Length == 1 && unused != 0))
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, contentStart, "BIT STRING has an invalid unused-bits octet");
        }

        if (content.Length > 5)
        {
            throw new DlmsFormatException(DlmsErrorReason.Unsupported, contentStart, "BIT STRING longer than 32 bits");
        }

        uint flags = 0;
        var bitCount = ((content.Length - 1) * 8) - unused;
        for (var bit = 0; bit < bitCount; bit++)
        {
            if ((content[1 + (bit / 8)] & (0x80 >> (bit % 8))) != 0)
            {
                flags |= 1u << bit;
            }
        }

        return flags;
    }

    public static void Write(BerWriter writer, BerTag tag, uint flags)
    {
        Span<byte> content = stackalloc byte[5];
        var length = Encode(flags, content);
        writer.WritePrimitive(tag, content[..length]);
    }

    private static int Encode(uint flags, Span<byte> content)
    {
        var bitCount = 32 - BitOperations.LeadingZeroCount(flags);
        var octets = (bitCount + 7) / 8;
        content[..(octets + 1)].Clear();
        content[0] = (byte)((octets * 8) - bitCount);
        for (var bit = 0; bit < bitCount; bit++)
        {
            if ((flags & (1u << bit)) != 0)
            {
                content[1 + (bit / 8)] |= (byte)(0x80 >> (bit % 8));
            }
        }

        return octets + 1;
    }
}
