using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Meterline.HeadEnd.Access;

/// <summary>
/// Password hashes with PBKDF2-HMAC-SHA256 from the BCL (<see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>):
/// a 16-byte salt from <see cref="RandomNumberGenerator"/>, 600,000 iterations (OWASP's figure for SHA-256), a
/// 32-byte key, written <c>pbkdf2-sha256$600000$&lt;salt base64&gt;$&lt;key base64&gt;</c> so that the count can rise
/// later without breaking stored hashes. Compared with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </summary>
public static class PasswordHashing
{
    public const string Algorithm = "pbkdf2-sha256";
    public const int Iterations = 600_000;
    public const int SaltBytes = 16;
    public const int KeyBytes = 32;

    /// <summary>The most iterations a stored hash may ask for (a bound on the work one sign-in costs).</summary>
    public const int MaxIterations = 10_000_000;

    /// <summary>A hash that matches no password, verified against for unknown users so that their sign-in costs the same.</summary>
    public static readonly string Unmatchable = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var key = Derive(password, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");
    }

    /// <summary>Whether <paramref name="password"/> matches the stored hash; false for a malformed hash.</summary>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        var parts = hash.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        byte[] salt;
        byte[] expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (expected.Length != KeyBytes)
        {
            return false;
        }

        var actual = Derive(password, salt, iterations);
        try
        {
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(actual);
        }
    }

    private static byte[] Derive(string password, byte[] salt, int iterations)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, salt, iterations, HashAlgorithmName.SHA256, KeyBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
