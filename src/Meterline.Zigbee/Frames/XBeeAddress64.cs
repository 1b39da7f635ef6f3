using System.Buffers.Binary;
using System.Globalization;

namespace Meterline.Zigbee.Frames;

/// <summary>
/// A 64-bit IEEE extended address (the module's serial number, <c>SH</c> ‖ <c>SL</c>), sent big endian (Digi XBee
/// Zigbee user guide, "Addressing: 64-bit device addresses").
/// </summary>
public readonly record struct XBeeAddress64(ulong Value)
{
    /// <summary>The size of the address on the air and in API frames.</summary>
    public const int Length = 8;

    /// <summary>The coordinator's reserved 64-bit address, 0x0000000000000000.</summary>
    public static XBeeAddress64 Coordinator => new(0);

    /// <summary>The broadcast address, 0x000000000000FFFF.</summary>
    public static XBeeAddress64 Broadcast => new(0xFFFF);

    /// <summary>"Unknown" (0xFFFFFFFFFFFFFFFF), used when only the 16-bit address is known.</summary>
    public static XBeeAddress64 Unknown => new(ulong.MaxValue);

    public static XBeeAddress64 FromHighLow(uint high, uint low) => new(((ulong)high << 32) | low);

    /// <summary>The upper 32 bits, what <c>ATSH</c> returns.</summary>
    public uint High => (uint)(Value >> 32);

    /// <summary>The lower 32 bits, what <c>ATSL</c> returns.</summary>
    public uint Low => (uint)Value;

    public static bool TryDecode(ReadOnlySpan<byte> source, out XBeeAddress64 address)
    {
        if (source.Length < Length)
        {
            address = default;
            return false;
        }

        address = new XBeeAddress64(BinaryPrimitives.ReadUInt64BigEndian(source));
        return true;
    }

    public static XBeeAddress64 Decode(ReadOnlySpan<byte> source) =>
        TryDecode(source, out var address) ? address : throw new ArgumentException("A 64-bit address needs 8 bytes.", nameof(source));

    public static int GetEncodedLength() => Length;

    public bool TryEncode(Span<byte> destination, out int written)
    {
        if (destination.Length < Length)
        {
            written = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, Value);
        written = Length;
        return true;
    }

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
        return bytes;
    }

    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
