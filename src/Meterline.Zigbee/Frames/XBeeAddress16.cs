using System.Buffers.Binary;
using System.Globalization;

namespace Meterline.Zigbee.Frames;

/// <summary>
/// A 16-bit Zigbee network address (<c>MY</c>), assigned on joining and subject to change, sent big endian (Digi XBee
/// Zigbee user guide, "Addressing: 16-bit device addresses").
/// </summary>
public readonly record struct XBeeAddress16(ushort Value)
{
    /// <summary>The size of the address on the air and in API frames.</summary>
    public const int Length = 2;

    /// <summary>The coordinator's network address, 0x0000.</summary>
    public static XBeeAddress16 Coordinator => new(0);

    /// <summary>"Unknown, or broadcast" (0xFFFE): the module discovers the network address itself.</summary>
    public static XBeeAddress16 Unknown => new(0xFFFE);

    public bool IsUnknown => Value == 0xFFFE;

    public static bool TryDecode(ReadOnlySpan<byte> source, out XBeeAddress16 address)
    {
        if (source.Length < Length)
        {
            address = default;
            return false;
        }

        address = new XBeeAddress16(BinaryPrimitives.ReadUInt16BigEndian(source));
        return true;
    }

    public static XBeeAddress16 Decode(ReadOnlySpan<byte> source) =>
        TryDecode(source, out var address) ? address : throw new ArgumentException("A 16-bit address needs 2 bytes.", nameof(source));

    public static int GetEncodedLength() => Length;

    public bool TryEncode(Span<byte> destination, out int written)
    {
        if (destination.Length < Length)
        {
            written = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Value);
        written = Length;
        return true;
    }

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, Value);
        return bytes;
    }

    public override string ToString() => Value.ToString("X4", CultureInfo.InvariantCulture);
}
