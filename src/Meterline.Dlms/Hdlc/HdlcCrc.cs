namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The HDLC frame check sequence of IEC 62056-46 (ISO/IEC 13239): CRC-16/X.25 — polynomial x^16+x^12+x^5+1,
/// reflected (0x8408), initial value 0xFFFF, final XOR 0xFFFF. Sent least significant byte first.
/// Catalogue check value: "123456789" gives 0x906E.
/// </summary>
public static class HdlcCrc
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ Table[(crc ^ b) & 0xFF]);
        }

        return (ushort)(crc ^ 0xFFFF);
    }

    /// <summary>Writes the CRC of <paramref name="data"/> to <paramref name="destination"/>, low byte first.</summary>
    public static void Write(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var crc = Compute(data);
        destination[0] = (byte)crc;
        destination[1] = (byte)(crc >> 8);
    }

    /// <summary>True when the two bytes at <paramref name="received"/> (low byte first) are the CRC of the data.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> received) =>
        received.Length >= 2 && Compute(data) == (ushort)(received[0] | (received[1] << 8));

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var value = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (ushort)((value >> 1) ^ 0x8408) : (ushort)(value >> 1);
            }

            table[i] = value;
        }

        return table;
    }
}
