using System.Diagnostics.CodeAnalysis;

namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>
/// The fixed header of an MQTT control packet (MQTT 5.0 §2.1; the same in 3.1.1): the packet type and flags byte and
/// the Remaining Length as a Variable Byte Integer of one to four bytes (§1.5.5), at most 268,435,455.
/// </summary>
/// <param name="Type">The packet type.</param>
/// <param name="Flags">The low nibble of the first byte.</param>
/// <param name="RemainingLength">The length of the variable header and payload that follow.</param>
/// <param name="Length">The length of the fixed header itself (2 to 5 bytes).</param>
public readonly record struct MqttFixedHeader(MqttPacketType Type, byte Flags, int RemainingLength, int Length)
{
    /// <summary>The largest Remaining Length a Variable Byte Integer can hold (§1.5.5).</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>The longest fixed header: one type byte and four length bytes.</summary>
    public const int MaxLength = 5;

    /// <summary>The whole packet's length, fixed header included.</summary>
    public long PacketLength => (long)Length + RemainingLength;

    /// <summary>
    /// Decodes a fixed header from the start of <paramref name="source"/>; false when more bytes are needed (nothing
    /// is consumed). Throws <see cref="MqttFormatException"/> for a reserved packet type or a length whose fourth byte
    /// still has its continuation bit set (e.g. <c>FF FF FF FF 7F</c>, §1.5.5: malformed).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, [NotNullWhen(true)] out MqttFixedHeader header)
    {
        header = default;
        if (source.IsEmpty)
        {
            return false;
        }

        var type = (MqttPacketType)(source[0] >> 4);
        if (type == MqttPacketType.Reserved)
        {
            throw new MqttFormatException("Packet type 0 is reserved", 0);
        }

        var length = 0;
        var multiplier = 1;
        for (var i = 1; i < MaxLength; i++)
        {
            if (i >= source.Length)
            {
                return false;
            }

            var b = source[i];
            length += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                header = new MqttFixedHeader(type, (byte)(source[0] & 0x0F), length, i + 1);
                return true;
            }

            if (i == MaxLength - 1)
            {
                throw new MqttFormatException("Remaining Length longer than four bytes", i);
            }

            multiplier <<= 7;
        }

        return false;
    }

    /// <summary>Writes the fixed header; returns its length.</summary>
    public static int Encode(Span<byte> destination, MqttPacketType type, byte flags, int remainingLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(remainingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(remainingLength, MaxRemainingLength);
        destination[0] = (byte)(((int)type << 4) | (flags & 0x0F));
        var i = 1;
        do
        {
            var b = (byte)(remainingLength & 0x7F);
            remainingLength >>= 7;
            destination[i++] = remainingLength > 0 ? (byte)(b | 0x80) : b;
        }
        while (remainingLength > 0);
        return i;
    }
}
