using System.Buffers;

namespace Meterline.Dlms.Gateway;

/// <summary>
/// A DLMS/COSEM gateway protocol PDU (Green Book, "DLMS/COSEM gateway"): a data concentrator between a wide-area
/// network (the head-end's TCP wrapper link) and a local network of meters (Zigbee, RS-485, …) carries each xDLMS
/// APDU inside a gateway PDU that names the meter. Layout: tag 0xE6 (gateway-request, towards the meter) or 0xE7
/// (gateway-response, from the meter) ‖ network-id (Unsigned8) ‖ length of the physical device address (one byte)
/// ‖ the address ‖ the APDU (the rest). For a Zigbee meter the address is its 64-bit IEEE address, big endian.
/// </summary>
public sealed record GatewayPdu(GatewayDirection Direction, byte NetworkId, ReadOnlyMemory<byte> PhysicalDeviceAddress, ReadOnlyMemory<byte> Apdu)
{
    public const byte RequestTag = 0xE6;
    public const byte ResponseTag = 0xE7;

    /// <summary>The longest physical device address accepted (the one-byte length allows more; no link needs it).</summary>
    public const int MaxAddressLength = 32;

    /// <summary>True when an APDU starts with a gateway tag (so a receiver can tell gateway traffic from plain xDLMS).</summary>
    public static bool IsGatewayPdu(ReadOnlySpan<byte> pdu) => pdu.Length > 0 && pdu[0] is RequestTag or ResponseTag;

    public static GatewayPdu Decode(ReadOnlyMemory<byte> pdu)
    {
        var span = pdu.Span;
        if (span.Length < 3)
        {
            throw new DlmsFormatException(DlmsErrorReason.Truncated, span.Length, "A gateway PDU has at least a tag, a network id and an address length");
        }

        var direction = span[0] switch
        {
            RequestTag => GatewayDirection.Request,
            ResponseTag => GatewayDirection.Response,
            _ => throw new DlmsFormatException(DlmsErrorReason.UnknownTag, 0, $"Not a gateway PDU tag: 0x{span[0]:X2}"),
        };
        var addressLength = span[2];
        if (addressLength is 0 or > MaxAddressLength)
        {
            throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, 2, $"A physical device address is 1 to {MaxAddressLength} bytes, not {addressLength}");
        }

        if (span.Length < 3 + addressLength + 1)
        {
            throw new DlmsFormatException(DlmsErrorReason.Truncated, span.Length, "The gateway PDU ends before its address and APDU");
        }

        return new GatewayPdu(direction, span[1], pdu.Slice(3, addressLength), pdu[(3 + addressLength)..]);
    }

    public void Encode(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (PhysicalDeviceAddress.Length is 0 or > MaxAddressLength)
        {
            throw new InvalidOperationException($"A physical device address is 1 to {MaxAddressLength} bytes");
        }

        var length = 3 + PhysicalDeviceAddress.Length + Apdu.Length;
        var span = output.GetSpan(length);
        span[0] = Direction == GatewayDirection.Request ? RequestTag : ResponseTag;
        span[1] = NetworkId;
        span[2] = (byte)PhysicalDeviceAddress.Length;
        PhysicalDeviceAddress.Span.CopyTo(span[3..]);
        Apdu.Span.CopyTo(span[(3 + PhysicalDeviceAddress.Length)..]);
        output.Advance(length);
    }

    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(3 + PhysicalDeviceAddress.Length + Apdu.Length);
        Encode(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public bool Equals(GatewayPdu? other) =>
        other is not null && Direction == other.Direction && NetworkId == other.NetworkId &&
        PhysicalDeviceAddress.Span.SequenceEqual(other.PhysicalDeviceAddress.Span) && Apdu.Span.SequenceEqual(other.Apdu.Span);

    public override int GetHashCode() => HashCode.Combine(Direction, NetworkId, PhysicalDeviceAddress.Length, Apdu.Length);
}
