using System.Buffers.Binary;
using System.Text;

namespace Meterline.Coap.Messages;

/// <summary>
/// One option instance (RFC 7252 §3.1, §5.4): its number and its value bytes. Values are empty, opaque, uint (in
/// network byte order, leading zero bytes omitted, §3.2) or UTF-8 strings, as the option's definition says.
/// </summary>
public readonly record struct CoapOption(ushort Number, ReadOnlyMemory<byte> Value)
{
    public CoapOption(CoapOptionNumber number, ReadOnlyMemory<byte> value)
        : this((ushort)number, value)
    {
    }

    public bool IsCritical => CoapOptionProperties.IsCritical(Number);

    /// <summary>A uint option value in the fewest bytes (zero is the empty value, §3.2).</summary>
    public static CoapOption FromUInt(CoapOptionNumber number, uint value)
    {
        var length = value switch
        {
            0 => 0,
            <= 0xFF => 1,
            <= 0xFFFF => 2,
            <= 0xFFFFFF => 3,
            _ => 4,
        };
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        return new CoapOption(number, bytes);
    }

    public static CoapOption FromString(CoapOptionNumber number, string value) => new(number, Encoding.UTF8.GetBytes(value));

    /// <summary>The value as a uint of at most 4 bytes.</summary>
    /// <exception cref="CoapFormatException">The value is longer than 4 bytes.</exception>
    public uint GetUInt()
    {
        var span = Value.Span;
        if (span.Length > 4)
        {
            throw new CoapFormatException($"Option {Number} carries a {span.Length}-byte uint, at most 4 are allowed.", 0);
        }

        Span<byte> padded = stackalloc byte[4];
        padded.Clear();
        span.CopyTo(padded[(4 - span.Length)..]);
        return BinaryPrimitives.ReadUInt32BigEndian(padded);
    }

    public string GetString() => Encoding.UTF8.GetString(Value.Span);

    public override string ToString() => $"{(CoapOptionNumber)Number}({Value.Length} bytes)";
}
