using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Access;

/// <summary>
/// The text of an API token, <c>mtl_&lt;prefix&gt;_&lt;secret&gt;</c>: a public prefix of 6 random bytes and a secret of
/// 32 random bytes, both lower-case hex, from <see cref="RandomNumberGenerator"/>. The head-end keeps the prefix and
/// SHA-256 of the secret bytes; the text is shown once, when the token is created.
/// </summary>
public static class ApiTokenSecret
{
    public const string Scheme = "mtl_";
    public const int PrefixBytes = 6;
    public const int SecretBytes = 32;
    public const int PrefixLength = PrefixBytes * 2;
    public const int TextLength = 4 + PrefixLength + 1 + (SecretBytes * 2);

    /// <summary>A new token: its text (to hand out once), prefix, and the hash to store.</summary>
    public static (string Text, string Prefix, byte[] Hash) Create()
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        var secret = new byte[SecretBytes];
        try
        {
            RandomNumberGenerator.Fill(prefix);
            RandomNumberGenerator.Fill(secret);
            var prefixText = Convert.ToHexStringLower(prefix);
            return (Scheme + prefixText + "_" + Convert.ToHexStringLower(secret), prefixText, SHA256.HashData(secret));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Splits a token's text into its prefix and the hash of its secret; false if it is not one.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? prefix, [NotNullWhen(true)] out byte[]? hash)
    {
        prefix = null;
        hash = null;
        if (text is null || text.Length != TextLength || !text.StartsWith(Scheme, StringComparison.Ordinal) || text[4 + PrefixLength] != '_')
        {
            return false;
        }

        var prefixText = text.AsSpan(4, PrefixLength);
        var secretText = text.AsSpan(4 + PrefixLength + 1);
        if (!IsLowerHex(prefixText) || !IsLowerHex(secretText))
        {
            return false;
        }

        var secret = Convert.FromHexString(secretText);
        try
        {
            prefix = prefixText.ToString();
            hash = SHA256.HashData(secret);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Whether a stored hash is the hash of the presented secret, in constant time.</summary>
    public static bool Matches(byte[] storedHash, byte[] presentedHash)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        ArgumentNullException.ThrowIfNull(presentedHash);
        return CryptographicOperations.FixedTimeEquals(storedHash, presentedHash);
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
