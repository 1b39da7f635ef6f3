namespace Meterline.Zigbee.Frames;

/// <summary>
/// The API frame checksum: 0xFF minus the low byte of the sum of the frame data bytes; frame data plus checksum then
/// sums to 0xFF (Digi XBee Zigbee user guide, "API frame format: Calculate and verify checksums").
/// </summary>
public static class XBeeChecksum
{
    public static byte Compute(ReadOnlySpan<byte> frameData)
    {
        byte sum = 0;
        foreach (var b in frameData)
        {
            sum += b;
        }

        return (byte)(0xFF - sum);
    }

    public static bool Verify(ReadOnlySpan<byte> frameData, byte checksum) => Compute(frameData) == checksum;
}
