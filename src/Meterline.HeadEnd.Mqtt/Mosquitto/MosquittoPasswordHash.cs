using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Meterline.HeadEnd.Mqtt.Mosquitto;

/// <summary>
/// A password file line in the form mosquitto 2.0 reads: <c>user:$7$iterations$salt$hash</c> — PBKDF2-HMAC-SHA512 of
/// the password over a 12-byte random salt, 64 bytes of output, salt and hash in base64.
/// </summary>
public static class MosquittoPasswordHash
{
    public const int SaltLength = 12;
    public const int HashLength = 64;

    /// <summary>mosquitto_passwd's default iteration count in 2.0.</summary>
    public const int DefaultIterations = 101;

    public static string Line(string userName, string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (userName.Contains(':', StringComparison.Ordinal) || userName.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A mosquitto user name holds no ':' or line break.", nameof(userName));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Span<byte> salt = stackalloc byte[SaltLength];
        RandomNumberGenerator.Fill(salt);
        var secret = Encoding.UTF8.GetBytes(password);
        Span<byte> hash = stackalloc byte[HashLength];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(secret, salt, hash, iterations, HashAlgorithmName.SHA512);
            return string.Create(CultureInfo.InvariantCulture, $"{userName}:$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(hash);
        }
    }
}
