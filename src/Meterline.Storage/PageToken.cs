using System.Buffers.Binary;

namespace Meterline.Storage;

/// <summary>
/// Opaque paging tokens: base64url of a version-and-kind byte followed by the last key of the previous page. A token
/// of another kind, another length or not base64url at all is an <see cref="ArgumentException"/>.
/// </summary>
internal static class PageToken
{
    private const byte MeterKind = 0x11;
    private const byte ReadingKind = 0x21;

    public static string ForMeter(int lastId)
    {
        Span<byte> bytes = stackalloc byte[5];
        bytes[0] = MeterKind;
        BinaryPrimitives.WriteInt32BigEndian(bytes[1..], lastId);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static int ParseMeter(string token)
    {
        Span<byte> bytes = stackalloc byte[5];
        Decode(token, MeterKind, bytes);
        return BinaryPrimitives.ReadInt32BigEndian(bytes[1..]);
    }

    public static string ForReading(long lastTimeMicroseconds, short lastQuantity)
    {
        Span<byte> bytes = stackalloc byte[11];
        bytes[0] = ReadingKind;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastTimeMicroseconds);
        BinaryPrimitives.WriteInt16BigEndian(bytes[9..], lastQuantity);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static (long TimeMicroseconds, short Quantity) ParseReading(string token)
    {
        Span<byte> bytes = stackalloc byte[11];
        Decode(token, ReadingKind, bytes);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), BinaryPrimitives.ReadInt16BigEndian(bytes[9..]));
    }

    private static void Decode(string token, byte kind, Span<byte> into)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > 64)
        {
            throw new ArgumentException("Not a page token of this listing.", nameof(token));
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> buffer = stackalloc byte[48];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written != into.Length || buffer[0] != kind)
        {
            throw new ArgumentException("Not a page token of this listing.", nameof(token));
        }

        buffer[..written].CopyTo(into);
    }
}
