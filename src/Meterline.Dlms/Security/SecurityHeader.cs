using System.Buffers.Binary;

namespace Meterline.Dlms.Security;

/// <summary>
/// The security header that starts every ciphered content: security control byte ‖ 4-byte invocation counter
/// (Green Book 9.2.7.2.4.1, Table 39). The invocation counter is the last four bytes of the GCM IV.
/// </summary>
public readonly record struct SecurityHeader(SecurityControl SecurityControl, uint InvocationCounter)
{
    /// <summary>Encoded length: 5 bytes.</summary>
    public const int Length = 5;

    /// <summary>Reads the header; false when fewer than 5 bytes are present.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SecurityHeader value, out int bytesConsumed)
    {
        if (source.Length < Length)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new SecurityHeader(new SecurityControl(source[0]), BinaryPrimitives.ReadUInt32BigEndian(source[1..]));
        bytesConsumed = Length;
        return true;
    }

    /// <summary>Reads the header; throws <see cref="DlmsFormatException"/> when it is truncated.</summary>
    public static SecurityHeader Decode(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        if (!TryDecode(source, out var value, out bytesConsumed))
        {
            throw new DlmsFormatException(
                DlmsErrorReason.Truncated,
                source.Length,
                "Security header needs a security control byte and a 4-byte invocation counter");
        }

        return value;
    }

    /// <summary>Always 5.</summary>
    public int GetEncodedLength() => Length;

    /// <summary>Writes the header; false when <paramref name="destination"/> is shorter than 5 bytes.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < Length)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = SecurityControl.Value;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], InvocationCounter);
        bytesWritten = Length;
        return true;
    }

    /// <summary>Writes the header and returns 5; throws when <paramref name="destination"/> is too small.</summary>
    public int Encode(Span<byte> destination)
    {
        if (!TryEncode(destination, out var written))
        {
            throw new ArgumentException("Destination is too small", nameof(destination));
        }

        return written;
    }

    /// <summary>The header as a new array.</summary>
    public byte[] Encode()
    {
        var result = new byte[Length];
        Encode(result);
        return result;
    }
}
