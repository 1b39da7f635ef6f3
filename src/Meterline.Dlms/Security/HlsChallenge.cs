using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// HLS challenges (CtoS and StoC, Green Book 9.2.2.2.3): random octet strings of 8 to 64 bytes, generated with
/// <see cref="RandomNumberGenerator"/>.
/// </summary>
public static class HlsChallenge
{
    /// <summary>Shortest challenge allowed.</summary>
    public const int MinimumLength = 8;

    /// <summary>Longest challenge allowed.</summary>
    public const int MaximumLength = 64;

    /// <summary>Default length: 32 bytes, enough for ECDSA (mechanism 7) and generous for GMAC (mechanism 5).</summary>
    public const int DefaultLength = 32;

    /// <summary>Generates a challenge of <paramref name="length"/> random bytes (8 to 64).</summary>
    public static byte[] Generate(int length = DefaultLength)
    {
        if (!IsValidLength(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "An HLS challenge is 8 to 64 bytes");
        }

        return RandomNumberGenerator.GetBytes(length);
    }

    /// <summary>True when a challenge of this length is acceptable (8 to 64 bytes).</summary>
    public static bool IsValidLength(int length) => length is >= MinimumLength and <= MaximumLength;
}
