using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Keys;

namespace Meterline.Server.Access;

/// <summary>
/// The 32-byte key that encrypts the session key ring's master keys at rest in the database (AES-256-GCM), read from
/// an owner-only file every node sharing the database holds a copy of (<c>serve --session-key-file</c>; docs/access.md,
/// "Sessions on several nodes"). Its <see cref="Id"/> (a hash prefix, safe to log) is stored beside each encrypted
/// key, so that a node given another file is refused at start rather than failing on every cookie.
/// </summary>
public sealed class SessionKeyEncryptionKey : IDisposable
{
    public const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] Aad = Encoding.ASCII.GetBytes("meterline/session-key/v1");
    private static readonly byte[] IdLabel = Encoding.ASCII.GetBytes("meterline/session-key-id/v1");
    private readonly byte[] _key;
    private bool _disposed;

    private SessionKeyEncryptionKey(byte[] key)
    {
        _key = key;
        Id = Convert.ToHexStringLower(HMACSHA256.HashData(key, IdLabel).AsSpan(0, 8));
    }

    /// <summary>A public name of the key: the first 8 bytes of HMAC-SHA-256 under it of a fixed label, in hex.</summary>
    public string Id { get; }

    /// <summary>Reads the key file; when it does not exist and <paramref name="create"/>, first writes a fresh key (owner-only, from <see cref="RandomNumberGenerator"/>).</summary>
    public static SessionKeyEncryptionKey Open(string file, bool create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        if (!File.Exists(file))
        {
            if (!create)
            {
                throw new FileNotFoundException($"The session key file {file} does not exist.", file);
            }

            var fresh = RandomNumberGenerator.GetBytes(KeyLength);
            try
            {
                OwnerOnlyFile.Write(file, fresh, overwrite: false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(fresh);
            }
        }

        var key = OwnerOnlyFile.ReadAllBytes(file, KeyLength + 1);
        if (key.Length != KeyLength)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The session key file {file} must hold exactly {KeyLength} bytes."));
        }

        return new SessionKeyEncryptionKey(key);
    }

    /// <summary>nonce ‖ ciphertext ‖ tag, under a fresh random nonce.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var blob = new byte[NonceLength + plaintext.Length + TagLength];
        var nonce = blob.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(_key, TagLength);
        gcm.Encrypt(nonce, plaintext, blob.AsSpan(NonceLength, plaintext.Length), blob.AsSpan(NonceLength + plaintext.Length), Aad);
        return blob;
    }

    /// <summary>The plaintext of a <see cref="Seal"/> blob; throws <see cref="CryptographicException"/> when it was altered or sealed under another key.</summary>
    public byte[] Open(ReadOnlySpan<byte> blob)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (blob.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("An encrypted session key is too short.");
        }

        var plaintext = new byte[blob.Length - NonceLength - TagLength];
        using var gcm = new AesGcm(_key, TagLength);
        gcm.Decrypt(blob[..NonceLength], blob.Slice(NonceLength, plaintext.Length), blob[^TagLength..], plaintext, Aad);
        return plaintext;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }
}
