using System.Buffers.Binary;
using System.Security.Cryptography;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;

namespace Meterline.HeadEnd.Tests.Commands;

/// <summary>
/// A key provider for tests: AES-GCM under a random key-encryption key, the blob bound to (meter, kind, generation),
/// HMAC-SHA-256 fingerprints; the keyring unwraps from the key store.
/// </summary>
internal sealed class TestKeyVault(InMemoryMeterKeyStore store) : IMeterKeyWrapper, IMeterKeyring, IDisposable
{
    private readonly byte[] _kek = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);

    public InMemoryMeterKeyStore Store => store;

    public Task<StoredMeterKey> WrapAsync(MeterId meter, MeterKeyKind kind, int generation, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken = default)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var blob = new byte[12 + secret.Length + 16];
        nonce.CopyTo(blob, 0);
        using (var gcm = new AesGcm(_kek, 16))
        {
            gcm.Encrypt(nonce, secret.Span, blob.AsSpan(12, secret.Length), blob.AsSpan(12 + secret.Length), Binding(meter, kind, generation));
        }

        return Task.FromResult(new StoredMeterKey(meter, kind, generation, new WrappedKey("test", "kek1", blob), HMACSHA256.HashData(_fingerprintKey, secret.Span)));
    }

    public async Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        var keys = await store.GetAsync(meter, generation, cancellationToken);
        if (keys.Count == 0)
        {
            return null;
        }

        var plain = keys.ToDictionary(k => k.Kind, Unwrap);
        try
        {
            return new MeterSecrets(meter, generation, plain[MeterKeyKind.Encryption], plain[MeterKeyKind.Authentication], plain[MeterKeyKind.Master],
                plain.GetValueOrDefault(MeterKeyKind.ReaderPassword) ?? []);
        }
        finally
        {
            foreach (var value in plain.Values)
            {
                CryptographicOperations.ZeroMemory(value);
            }
        }
    }

    /// <summary>Stores a first generation of keys for a meter and returns them (as the provisioner would).</summary>
    public async Task<(byte[] Encryption, byte[] Authentication, byte[] Master)> ProvisionAsync(MeterId meter, int generation = 1)
    {
        var keys = (RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16));
        await store.SaveAsync([
            await WrapAsync(meter, MeterKeyKind.Encryption, generation, keys.Item1),
            await WrapAsync(meter, MeterKeyKind.Authentication, generation, keys.Item2),
            await WrapAsync(meter, MeterKeyKind.Master, generation, keys.Item3),
            await WrapAsync(meter, MeterKeyKind.ReaderPassword, generation, "reader-secret"u8.ToArray()),
        ]);
        return keys;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_kek);
        CryptographicOperations.ZeroMemory(_fingerprintKey);
    }

    private byte[] Unwrap(StoredMeterKey key)
    {
        var blob = key.Key.Blob.Span;
        var plain = new byte[blob.Length - 28];
        using var gcm = new AesGcm(_kek, 16);
        gcm.Decrypt(blob[..12], blob[12..^16], blob[^16..], plain, Binding(key.Meter, key.Kind, key.Generation));
        return plain;
    }

    private static byte[] Binding(MeterId meter, MeterKeyKind kind, int generation)
    {
        var binding = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(binding, meter.Value);
        BinaryPrimitives.WriteInt32BigEndian(binding.AsSpan(4), (int)kind);
        BinaryPrimitives.WriteInt32BigEndian(binding.AsSpan(8), generation);
        return binding;
    }
}
