using System.Security.Cryptography;
using System.Text.Json;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// The default key provider: a 256-bit key-encryption key (KEK) from a file or an environment variable (see
/// <see cref="FileKeyProviderOptions"/>). A secret is wrapped with AES-256-GCM under the KEK: blob = version (1) ‖
/// nonce (12 bytes from <see cref="RandomNumberGenerator"/>) ‖ ciphertext ‖ tag (16), with the binding (meter, kind,
/// generation) as associated data. The KEK id is the first 8 bytes of SHA-256 of the KEK, in hex. Fingerprints are
/// HMAC-SHA-256 under a key derived from the KEK by HKDF-SHA-256. The head-end signing key (ECDSA P-256) is created
/// on first use and kept next to the KEK file, its PKCS#8 form wrapped under the KEK. Dispose zeroes the keys.
/// </summary>
public sealed class FileKeyProvider : IKeyProvider, IDisposable
{
    public const string Id = "file";

    public const int KeyLength = 32;

    internal const byte BlobVersion = 1;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;

    /// <summary>The longest secret wrapped (a PKCS#8 P-256 key is about 140 bytes; meter keys 16).</summary>
    public const int MaxSecretLength = 1024;

    private const int MaxSigningKeyFileBytes = 8 * 1024;
    private static ReadOnlySpan<byte> FingerprintKeyInfo => "Meterline key fingerprint v1"u8;
    private static ReadOnlySpan<byte> SigningKeyAssociatedData => "Meterline.Hes.v1"u8;

    private readonly byte[] _kek = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly byte[] _fingerprintKey = GC.AllocateArray<byte>(KeyLength, pinned: true);
    private readonly string _signingKeyFile;
    private readonly Lock _lock = new();
    private SoftwareHesSigner? _signer;
    private bool _disposed;

    private FileKeyProvider(ReadOnlySpan<byte> kek, string signingKeyFile)
    {
        kek.CopyTo(_kek);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _kek, _fingerprintKey, salt: default, info: FingerprintKeyInfo);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(_kek, digest);
        KeyEncryptionKeyId = Convert.ToHexStringLower(digest[..8]);
        _signingKeyFile = Path.GetFullPath(signingKeyFile);
    }

    public string ProviderId => Id;

    public string KeyEncryptionKeyId { get; }

    /// <summary>Where the wrapped head-end signing key is kept.</summary>
    public string SigningKeyFile => _signingKeyFile;

    /// <summary>Opens the provider: reads (or creates) the key file, or decodes the environment variable.</summary>
    public static FileKeyProvider Open(FileKeyProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.KeyFile is null) == (options.KeyEnvironmentVariable is null))
        {
            throw new ArgumentException("Give exactly one of a key file and a key environment variable.", nameof(options));
        }

        if (options.KeyFile is { } file)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(file, nameof(options));
            var signing = options.SigningKeyFile ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, FileKeyProviderOptions.DefaultSigningKeyFileName);
            var kek = ReadOrCreateKeyFile(file, options.CreateKeyFile);
            try
            {
                return new FileKeyProvider(kek, signing);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(kek);
            }
        }

        var variable = options.KeyEnvironmentVariable!;
        ArgumentException.ThrowIfNullOrWhiteSpace(variable, nameof(options));
        if (options.SigningKeyFile is null)
        {
            throw new ArgumentException("A key from the environment needs a signing key file.", nameof(options));
        }

        var text = Environment.GetEnvironmentVariable(variable) ?? throw new KeyProviderException($"The environment variable {variable} is not set.");
        var buffer = GC.AllocateArray<byte>(64, pinned: true);
        try
        {
            if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeyLength)
            {
                throw new KeyProviderException($"The environment variable {variable} must hold a 256-bit key in base64 (44 characters).");
            }

            return new FileKeyProvider(buffer.AsSpan(0, KeyLength), options.SigningKeyFile);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    public WrappedKey Wrap(KeyBinding binding, ReadOnlySpan<byte> secret)
    {
        Span<byte> aad = stackalloc byte[KeyBinding.AssociatedDataLength];
        binding.WriteAssociatedData(aad);
        return new WrappedKey(Id, KeyEncryptionKeyId, Seal(aad, secret));
    }

    public byte[] Unwrap(KeyBinding binding, WrappedKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (wrapped.ProviderId != Id)
        {
            throw new KeyUnwrapException($"The key of {binding} was wrapped by the '{wrapped.ProviderId}' provider, not by the file provider.");
        }

        if (wrapped.KeyEncryptionKeyId != KeyEncryptionKeyId)
        {
            throw new KeyUnwrapException($"The key of {binding} was wrapped under key-encryption key {wrapped.KeyEncryptionKeyId}; this provider holds {KeyEncryptionKeyId}.");
        }

        Span<byte> aad = stackalloc byte[KeyBinding.AssociatedDataLength];
        binding.WriteAssociatedData(aad);
        return Open(aad, wrapped.Blob.Span, $"the key of {binding}");
    }

    public byte[] Fingerprint(ReadOnlySpan<byte> secret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return HMACSHA256.HashData(_fingerprintKey, secret);
    }

    public IHesSigner Signer
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _signer ??= LoadOrCreateSigner();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CryptographicOperations.ZeroMemory(_kek);
            CryptographicOperations.ZeroMemory(_fingerprintKey);
            _signer?.Dispose();
        }
    }

    public override string ToString() => $"file key provider (key-encryption key {KeyEncryptionKeyId})";

    private static byte[] ReadOrCreateKeyFile(string file, bool create)
    {
        if (!File.Exists(file))
        {
            if (!create)
            {
                throw new KeyProviderException($"The key file {file} does not exist.");
            }

            var fresh = GC.AllocateArray<byte>(KeyLength, pinned: true);
            try
            {
                RandomNumberGenerator.Fill(fresh);
                OwnerOnlyFile.Write(file, fresh, overwrite: false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(fresh);
            }
        }

        var kek = OwnerOnlyFile.ReadAllBytes(file, KeyLength + 1);
        if (kek.Length != KeyLength)
        {
            CryptographicOperations.ZeroMemory(kek);
            throw new KeyProviderException($"The key file {file} must hold exactly {KeyLength} bytes.");
        }

        return kek;
    }

    private byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty || secret.Length > MaxSecretLength)
        {
            throw new ArgumentException($"A secret to wrap is 1 to {MaxSecretLength} bytes.", nameof(secret));
        }

        var blob = new byte[1 + NonceLength + secret.Length + TagLength];
        blob[0] = BlobVersion;
        var nonce = blob.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var gcm = new AesGcm(_kek, TagLength);
            gcm.Encrypt(nonce, secret, blob.AsSpan(1 + NonceLength, secret.Length), blob.AsSpan(blob.Length - TagLength), aad);
        }

        return blob;
    }

    private byte[] Open(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> blob, string what)
    {
        if (blob.Length < 1 + NonceLength + 1 + TagLength || blob.Length > 1 + NonceLength + MaxSecretLength + TagLength)
        {
            throw new KeyUnwrapException($"The wrapped blob of {what} has an impossible length ({blob.Length} bytes).");
        }

        if (blob[0] != BlobVersion)
        {
            throw new KeyUnwrapException($"The wrapped blob of {what} has unknown format version {blob[0]}.");
        }

        var plain = new byte[blob.Length - 1 - NonceLength - TagLength];
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var gcm = new AesGcm(_kek, TagLength);
                gcm.Decrypt(blob.Slice(1, NonceLength), blob.Slice(1 + NonceLength, plain.Length), blob[^TagLength..], plain, aad);
            }

            return plain;
        }
        catch (AuthenticationTagMismatchException e)
        {
            CryptographicOperations.ZeroMemory(plain);
            throw new KeyUnwrapException($"Authentication of {what} failed: the blob was altered, or belongs to another meter, kind or generation, or another key-encryption key.", e);
        }
    }

    private SoftwareHesSigner LoadOrCreateSigner()
    {
        if (!File.Exists(_signingKeyFile))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pkcs8 = fresh.ExportPkcs8PrivateKey();
            byte[] document;
            try
            {
                document = WriteSigningKeyDocument(Seal(SigningKeyAssociatedData, pkcs8));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }

            OwnerOnlyFile.Write(_signingKeyFile, document, overwrite: false);
        }

        return LoadSigner();
    }

    private SoftwareHesSigner LoadSigner()
    {
        var bytes = OwnerOnlyFile.ReadAllBytes(_signingKeyFile, MaxSigningKeyFileBytes);
        byte[] blob;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 2 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var v) || v != 1 ||
                !root.TryGetProperty("keyEncryptionKeyId", out var kekId) || kekId.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("blob", out var blobText) || blobText.ValueKind != JsonValueKind.String || !blobText.TryGetBytesFromBase64(out var decoded))
            {
                throw new KeyProviderException($"{_signingKeyFile} is not a head-end signing key file (version 1, keyEncryptionKeyId, blob).");
            }

            if (kekId.GetString() != KeyEncryptionKeyId)
            {
                throw new KeyProviderException($"{_signingKeyFile} was wrapped under key-encryption key {kekId.GetString()}; this provider holds {KeyEncryptionKeyId}.");
            }

            blob = decoded;
        }
        catch (JsonException e)
        {
            throw new KeyProviderException($"{_signingKeyFile} is not valid JSON.", e);
        }

        byte[] pkcs8;
        try
        {
            pkcs8 = Open(SigningKeyAssociatedData, blob, "the head-end signing key");
        }
        catch (KeyUnwrapException e)
        {
            throw new KeyProviderException($"{_signingKeyFile} does not unwrap under key-encryption key {KeyEncryptionKeyId}.", e);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SoftwareHesSigner(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private byte[] WriteSigningKeyDocument(byte[] blob)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("keyEncryptionKeyId", KeyEncryptionKeyId);
            writer.WriteBase64String("blob", blob);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
