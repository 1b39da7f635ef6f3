namespace Meterline.HeadEnd.Keys;

/// <summary>
/// A secret as stored: wrapped (encrypted and authenticated) by a key provider's key-encryption key. Safe to store and
/// log the provider id and the key-encryption key's id; the blob reveals nothing without the provider.
/// </summary>
/// <param name="ProviderId">The provider that wrapped it (e.g. "file", "pkcs11").</param>
/// <param name="KeyEncryptionKeyId">Which of the provider's key-encryption keys wrapped it (for KEK rotation).</param>
/// <param name="Blob">The wrapped bytes.</param>
public sealed record WrappedKey(string ProviderId, string KeyEncryptionKeyId, ReadOnlyMemory<byte> Blob)
{
    public bool Equals(WrappedKey? other) =>
        other is not null && ProviderId == other.ProviderId && KeyEncryptionKeyId == other.KeyEncryptionKeyId && Blob.Span.SequenceEqual(other.Blob.Span);

    public override int GetHashCode() => HashCode.Combine(ProviderId, KeyEncryptionKeyId, Blob.Length);

    public override string ToString() => $"{ProviderId}/{KeyEncryptionKeyId} ({Blob.Length} bytes wrapped)";
}
