using System.Buffers.Binary;

namespace Meterline.Server.Alerts;

/// <summary>The opaque page token of the alert listing: base64url of a kind byte and the last id of the page before.</summary>
public static class AlertPageToken
{
    private const byte Kind = 0x41;

    public static string Create(long lastId)
    {
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = Kind;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastId);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryParse(string? token, out long lastId)
    {
        lastId = 0;
        if (token is null || token.Length is 0 or > 16)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> bytes = stackalloc byte[12];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 9 || bytes[0] != Kind)
        {
            return false;
        }

        lastId = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        return lastId > 0;
    }
}
