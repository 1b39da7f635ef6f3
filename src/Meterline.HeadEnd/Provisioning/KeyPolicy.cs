using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// Which secrets a meter may be given: AES keys of 16 bytes that are not one byte repeated (all zero included), not a
/// published test key and not equal to another key of the same meter; a reader password of 8 to 16 printable ASCII
/// characters (no space) that is not one character repeated and not a published password. Reasons name the field,
/// never the value. (Reuse by another meter is checked by <see cref="MeterProvisioner"/> through the fingerprints.)
/// </summary>
public static class KeyPolicy
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 16;

    /// <summary>Why the set may not be used, or null when it may.</summary>
    public static string? Check(MeterKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var kind in MeterKeySet.Kinds)
        {
            if (Check(kind, keys.Get(kind)) is { } reason)
            {
                return reason;
            }
        }

        ReadOnlySpan<MeterKeyKind> aes = [MeterKeyKind.Encryption, MeterKeyKind.Authentication, MeterKeyKind.Master];
        for (var i = 0; i < aes.Length; i++)
        {
            for (var j = i + 1; j < aes.Length; j++)
            {
                if (CryptographicOperations.FixedTimeEquals(keys.Get(aes[i]), keys.Get(aes[j])))
                {
                    return $"{MeterKeySet.FieldName(aes[i])} and {MeterKeySet.FieldName(aes[j])} are equal: a meter's keys must differ";
                }
            }
        }

        return null;
    }

    /// <summary>Why one secret may not be used, or null when it may.</summary>
    public static string? Check(MeterKeyKind kind, ReadOnlySpan<byte> secret)
    {
        var field = MeterKeySet.FieldName(kind);
        if (kind == MeterKeyKind.ReaderPassword)
        {
            if (secret.Length is < MinPasswordLength or > MaxPasswordLength)
            {
                return $"{field} must be {MinPasswordLength} to {MaxPasswordLength} characters";
            }

            foreach (var b in secret)
            {
                if (b is < (byte)'!' or > (byte)'~')
                {
                    return $"{field} must be printable ASCII characters without spaces";
                }
            }
        }
        else if (secret.Length != MeterKeySet.KeyLength)
        {
            return $"{field} must be {MeterKeySet.KeyLength} bytes";
        }

        if (!secret.ContainsAnyExcept(secret[0]))
        {
            return $"{field} is one byte value repeated";
        }

        if (PublishedTestKeys.Match(kind, secret) is { } published)
        {
            return $"{field} is a published test {(kind == MeterKeyKind.ReaderPassword ? "password" : "key")} ({published.Source})";
        }

        return null;
    }
}
