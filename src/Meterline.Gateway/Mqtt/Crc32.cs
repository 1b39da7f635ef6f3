namespace Meterline.Gateway.Mqtt;

/// <summary>
/// CRC-32 as ISO/IEC 3309 and IEEE 802.3 define it (reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF; "123456789" gives 0xCBF43926): the check on each record of a <see cref="PushSpool"/>.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = MakeTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
