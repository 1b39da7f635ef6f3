using System.Diagnostics.CodeAnalysis;

namespace Meterline.Coap.Messages;

/// <summary>The 4-byte fixed header of a CoAP message (RFC 7252 §3): Ver, T, TKL, Code, Message ID.</summary>
public readonly record struct CoapMessageHeader(int Version, CoapMessageType Type, int TokenLength, CoapCode Code, ushort MessageId)
{
    public const int Length = 4;

    /// <summary>Reads the fixed header; false when fewer than 4 bytes are present (no header: nothing to answer).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out CoapMessageHeader? header)
    {
        if (datagram.Length < Length)
        {
            header = null;
            return false;
        }

        header = new CoapMessageHeader(datagram[0] >> 6, (CoapMessageType)((datagram[0] >> 4) & 3), datagram[0] & 0x0F, new CoapCode(datagram[1]), (ushort)((datagram[2] << 8) | datagram[3]));
        return true;
    }
}
