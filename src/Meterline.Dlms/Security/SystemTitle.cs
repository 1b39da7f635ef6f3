using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Meterline.Dlms.Security;

/// <summary>
/// An 8-byte system title (Green Book 4.3.4 and 9.2.3.3.7.4): the first three bytes are usually the
/// manufacturer's FLAG id, the rest a unique number. It is the first eight bytes of every GCM IV, so each
/// sender must have its own.
/// </summary>
public readonly record struct SystemTitle
{
    /// <summary>Encoded length: 8 bytes.</summary>
    public const int Length = 8;

    public SystemTitle(ulong value)
    {
        Value = value;
    }

    /// <summary>The eight bytes as a big-endian number.</summary>
    public ulong Value { get; }

    /// <summary>
    /// The first three bytes as ASCII when they are printable (the FLAG manufacturer id, e.g. "MMM"),
    /// otherwise null.
    /// </summary>
    public string? ManufacturerId
    {
        get
        {
            Span<byte> bytes = stackalloc byte[Length];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
            foreach (var b in bytes[..3])
            {
                if (b is < 0x21 or > 0x7E)
                {
                    return null;
                }
            }

            return System.Text.Encoding.ASCII.GetString(bytes[..3]);
        }
    }

    /// <summary>Creates a system title from exactly eight bytes.</summary>
    public static SystemTitle FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A system title is exactly 8 bytes", nameof(bytes));
        }

        return new SystemTitle(BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    /// <summary>Parses 16 hexadecimal digits.</summary>
    public static SystemTitle Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (!TryParse(hex, out var value))
        {
            throw new FormatException("A system title is 16 hexadecimal digits");
        }

        return value;
    }

    /// <summary>Parses 16 hexadecimal digits; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out SystemTitle value)
    {
        value = default;
        if (hex is null || hex.Length != 2 * Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != Length)
        {
            return false;
        }

        value = FromBytes(bytes);
        return true;
    }

    /// <summary>Reads eight bytes; false when fewer are present.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SystemTitle value, out int bytesConsumed)
    {
        if (source.Length < Length)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = FromBytes(source[..Length]);
        bytesConsumed = Length;
        return true;
    }

    /// <summary>Reads eight bytes; throws <see cref="DlmsFormatException"/> when fewer are present.</summary>
    public static SystemTitle Decode(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        if (!TryDecode(source, out var value, out bytesConsumed))
        {
            throw new DlmsFormatException(DlmsErrorReason.Truncated, source.Length, "A system title needs 8 bytes");
        }

        return value;
    }

    /// <summary>Always 8.</summary>
    public int GetEncodedLength() => Length;

    /// <summary>Writes the eight bytes; false when <paramref name="destination"/> is too small.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < Length)
        {
            bytesWritten = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, Value);
        bytesWritten = Length;
        return true;
    }

    /// <summary>Writes the eight bytes and returns 8; throws when <paramref name="destination"/> is too small.</summary>
    public int Encode(Span<byte> destination)
    {
        if (!TryEncode(destination, out var written))
        {
            throw new ArgumentException("Destination is too small", nameof(destination));
        }

        return written;
    }

    /// <summary>The eight bytes as a new array.</summary>
    public byte[] Encode()
    {
        var result = new byte[Length];
        Encode(result);
        return result;
    }

    /// <summary>16 upper-case hexadecimal digits.</summary>
    public override string ToString() => Value.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
}
