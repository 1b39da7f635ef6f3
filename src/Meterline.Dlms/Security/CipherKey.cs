using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// A 128-bit AES key: a block cipher key (global unicast, broadcast or dedicated), the authentication key or the
/// master key (KEK) of security suites 0 and 1 (Green Book 9.2.5). The bytes are copied in, never printed and
/// compared in fixed time. Keys come only from <see cref="Generate"/> (the OS CSPRNG) or from stored key material.
/// </summary>
public sealed class CipherKey : IEquatable<CipherKey>
{
    /// <summary>Key length in bytes (128 bits).</summary>
    public const int Length = 16;

    // Published keys from the Green Book examples (see /work/shared/reference/test-vectors.md): the example block
    // cipher key, the example authentication key and the example dedicated key. Anyone may know them.
    private static readonly byte[][] PublishedTestKeys =
    [
        Convert.FromHexString("000102030405060708090A0B0C0D0E0F"),
        Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"),
        Convert.FromHexString("00112233445566778899AABBCCDDEEFF"),
    ];

    private readonly byte[] _key;
    private readonly int _hashCode;

    private CipherKey(byte[] key)
    {
        _key = key;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, digest);
        _hashCode = BitConverter.ToInt32(digest);
        CryptographicOperations.ZeroMemory(digest);
    }

    /// <summary>True for the keys published in the Green Book examples; a production configuration refuses them.</summary>
    public bool IsPublishedTestKey
    {
        get
        {
            var found = false;
            foreach (var published in PublishedTestKeys)
            {
                found |= CryptographicOperations.FixedTimeEquals(published, _key);
            }

            return found;
        }
    }

    /// <summary>The key bytes, for the ciphers in this assembly.</summary>
    internal ReadOnlySpan<byte> Span => _key;

    /// <summary>Creates a key from exactly 16 bytes, copying them.</summary>
    /// <exception cref="DlmsSecurityException">The input is not 16 bytes (<see cref="DlmsErrorReason.InvalidKey"/>).</exception>
    public static CipherKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "An AES-128 key must be exactly 16 bytes");
        }

        return new CipherKey(key.ToArray());
    }

    /// <summary>Generates a new random key with <see cref="RandomNumberGenerator"/>.</summary>
    public static CipherKey Generate() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>Throws when this is a published test key; call it when loading a production configuration.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.InvalidKey"/>.</exception>
    public void ThrowIfPublishedTestKey()
    {
        if (IsPublishedTestKey)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidKey, "A published test key is not allowed here");
        }
    }

    /// <summary>Copies the key bytes out, for key storage or wrapping. Zero the copy when done.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException("Destination is too small", nameof(destination));
        }

        _key.CopyTo(destination);
    }

    /// <summary>Compares the keys in fixed time.</summary>
    public bool Equals(CipherKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_key, other._key);

    public override bool Equals(object? obj) => Equals(obj as CipherKey);

    /// <summary>Derived from a SHA-256 digest of the key, so it reveals nothing usable about the key.</summary>
    public override int GetHashCode() => _hashCode;

    /// <summary>Never shows the key.</summary>
    public override string ToString() => "CipherKey(128-bit, redacted)";
}
