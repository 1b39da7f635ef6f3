namespace Meterline.Zigbee.Segmentation;

/// <summary>
/// The 3-byte header that starts every RF payload a <see cref="Segmenter"/> produces (Meterline's own, documented in
/// docs/zigbee.md). A message that fits one payload still carries it.
/// <code>
/// byte 0  flags/version: bit 7 = last segment, bits 4-6 = 0 (reserved), bits 0-3 = version (1)
/// byte 1  message id, cycled per sender (0-255)
/// byte 2  segment index, from 0
/// byte 3… segment data
/// </code>
/// </summary>
public readonly record struct SegmentHeader(bool IsLast, byte MessageId, byte Index)
{
    public const int Length = 3;

    public const byte CurrentVersion = 1;

    private const byte LastFlag = 0x80;
    private const byte ReservedBits = 0x70;
    private const byte VersionBits = 0x0F;

    /// <summary>False when the payload is shorter than the header, the version is not 1 or a reserved bit is set.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SegmentHeader header)
    {
        if (source.Length < Length || (source[0] & ReservedBits) != 0 || (source[0] & VersionBits) != CurrentVersion)
        {
            header = default;
            return false;
        }

        header = new SegmentHeader((source[0] & LastFlag) != 0, source[1], source[2]);
        return true;
    }

    public static int GetEncodedLength() => Length;

    public bool TryEncode(Span<byte> destination, out int written)
    {
        if (destination.Length < Length)
        {
            written = 0;
            return false;
        }

        destination[0] = (byte)((IsLast ? LastFlag : 0) | CurrentVersion);
        destination[1] = MessageId;
        destination[2] = Index;
        written = Length;
        return true;
    }

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        TryEncode(bytes, out _);
        return bytes;
    }
}
