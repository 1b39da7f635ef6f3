using System.Globalization;

namespace Meterline.Dlms.Hdlc;

/// <summary>
/// An HDLC address (IEC 62056-46 §6.4.2): one, two or four bytes, seven address bits per byte, the low bit of the
/// last byte set. A client address is one byte (the client SAP, e.g. 16 public, 32 reader, 48 utility). A server
/// address has an upper part (logical device) and, in the two- and four-byte forms, a lower part (physical device):
/// 7 + 7 bits in two bytes, 14 + 14 bits in four.
/// </summary>
public readonly record struct HdlcAddress
{
    private HdlcAddress(int upper, int lower, int size)
    {
        Upper = upper;
        Lower = lower;
        Size = size;
    }

    /// <summary>The client SAP, or the server's upper (logical device) address.</summary>
    public int Upper { get; }

    /// <summary>The server's lower (physical device) address; 0 in the one-byte form.</summary>
    public int Lower { get; }

    /// <summary>Encoded size: 1, 2 or 4 bytes.</summary>
    public int Size { get; }

    /// <summary>A one-byte address (client SAP, or a server addressed by its upper address only), 0–127.</summary>
    public static HdlcAddress OneByte(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 0x7F);
        return new HdlcAddress(value, 0, 1);
    }

    /// <summary>A client address (client SAP), one byte.</summary>
    public static HdlcAddress Client(int sap) => OneByte(sap);

    /// <summary>A server address with logical and physical parts, two bytes (0–127 each) or four (0–16383 each).</summary>
    public static HdlcAddress Server(int logical, int physical, int size = 2)
    {
        var max = size switch
        {
            2 => 0x7F,
            4 => 0x3FFF,
            _ => throw new ArgumentOutOfRangeException(nameof(size), "A two-part server address is 2 or 4 bytes"),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(logical);
        ArgumentOutOfRangeException.ThrowIfNegative(physical);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logical, max);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(physical, max);
        return new HdlcAddress(logical, physical, size);
    }

    /// <summary>
    /// Reads an address at the start of <paramref name="source"/>. Returns false when the bytes end before the
    /// terminating byte or the address is 3 or more than 4 bytes long.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out HdlcAddress address, out int bytesConsumed)
    {
        address = default;
        bytesConsumed = 0;
        var length = 0;
        while (length < source.Length && length < 4 && (source[length] & 1) == 0)
        {
            length++;
        }

        if (length >= source.Length || (source[length] & 1) == 0)
        {
            return false;
        }

        length++;
        switch (length)
        {
            case 1:
                address = new HdlcAddress(source[0] >> 1, 0, 1);
                break;
            case 2:
                address = new HdlcAddress(source[0] >> 1, source[1] >> 1, 2);
                break;
            case 4:
                address = new HdlcAddress(((source[0] >> 1) << 7) | (source[1] >> 1), ((source[2] >> 1) << 7) | (source[3] >> 1), 4);
                break;
            default:
                return false;
        }

        bytesConsumed = length;
        return true;
    }

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < Size)
        {
            return false;
        }

        switch (Size)
        {
            case 1:
                destination[0] = (byte)((Upper << 1) | 1);
                break;
            case 2:
                destination[0] = (byte)(Upper << 1);
                destination[1] = (byte)((Lower << 1) | 1);
                break;
            case 4:
                destination[0] = (byte)((Upper >> 7) << 1);
                destination[1] = (byte)((Upper & 0x7F) << 1);
                destination[2] = (byte)((Lower >> 7) << 1);
                destination[3] = (byte)(((Lower & 0x7F) << 1) | 1);
                break;
            default:
                return false;
        }

        bytesWritten = Size;
        return true;
    }

    public override string ToString() => Size == 1
        ? Upper.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Upper}/{Lower}");
}
