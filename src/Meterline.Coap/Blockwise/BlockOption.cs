using Meterline.Coap.Messages;

namespace Meterline.Coap.Blockwise;

/// <summary>
/// The value of a Block1 or Block2 option (RFC 7959 §2.2): block number NUM (up to 2^20 − 1), the More flag M and the
/// size exponent SZX (block size 2^(SZX+4), 16 to 1,024 bytes; SZX 7 is reserved). Encoded as a uint of 0 to 3 bytes:
/// NUM in the high bits, M in bit 3, SZX in bits 0–2.
/// </summary>
public readonly record struct BlockOption(uint Number, bool More, int SizeExponent)
{
    public const uint MaxNumber = (1u << 20) - 1;

    public const int MaxSizeExponent = 6;

    /// <summary>The block size in bytes.</summary>
    public int Size => 1 << (SizeExponent + 4);

    /// <summary>The byte offset of this block in the body.</summary>
    public long Offset => (long)Number * Size;

    /// <summary>The SZX for a block size (a power of two from 16 to 1,024).</summary>
    public static int ExponentOf(int size) => size switch
    {
        16 => 0,
        32 => 1,
        64 => 2,
        128 => 3,
        256 => 4,
        512 => 5,
        1024 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "A block size is a power of two from 16 to 1024."),
    };

    /// <exception cref="CoapFormatException">More than 3 bytes, or the reserved SZX 7.</exception>
    public static BlockOption Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length > 3)
        {
            throw new CoapFormatException($"A {value.Length}-byte block option; at most 3 bytes are allowed.", 0);
        }

        uint raw = 0;
        foreach (var b in value)
        {
            raw = (raw << 8) | b;
        }

        var exponent = (int)(raw & 7);
        if (exponent == 7)
        {
            // RFC 7959 §2.2: SZX 7 is reserved; in a request it is answered 4.00 Bad Request.
            throw new CoapFormatException("Block SZX 7 is reserved.", 0);
        }

        return new BlockOption(raw >> 4, (raw & 8) != 0, exponent);
    }

    public CoapOption ToOption(CoapOptionNumber number)
    {
        if (Number > MaxNumber || SizeExponent is < 0 or > MaxSizeExponent)
        {
            throw new InvalidOperationException($"Block {Number}/{SizeExponent} is out of range.");
        }

        return CoapOption.FromUInt(number, (Number << 4) | (More ? 8u : 0u) | (uint)SizeExponent);
    }

    public override string ToString() => $"{Number}/{(More ? 1 : 0)}/{Size}";
}
