using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Meterline.HeadEnd.Mqtt.Credentials;

/// <summary>A meter's MQTT password: 24 bytes (192 bits) from <see cref="RandomNumberGenerator"/>, as 32 base64url characters.</summary>
public static class MqttPassword
{
    public const int SecretLength = 24;

    /// <summary>A fresh password.</summary>
    public static string Generate()
    {
        Span<byte> secret = stackalloc byte[SecretLength];
        RandomNumberGenerator.Fill(secret);
        try
        {
            return Base64Url.EncodeToString(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Compares a presented password with the stored one in time independent of where they differ.</summary>
    public static bool Matches(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> stored) =>
        presented.Length == stored.Length && CryptographicOperations.FixedTimeEquals(presented, stored);

    /// <summary>The password's bytes as sent in CONNECT (UTF-8; the generated ones are ASCII).</summary>
    public static byte[] ToBytes(string password) => Encoding.UTF8.GetBytes(password);
}
