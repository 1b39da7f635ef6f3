namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Keeps the head-end's key-encryption key and signing key, and protects meters' secrets at rest with them: wraps and
/// unwraps secrets bound to (meter, kind, generation), computes fingerprints (HMAC-SHA-256 under a provider-held key,
/// so equal keys are found without unwrapping), and holds the head-end's ECDSA P-256 signing key. Thread-safe.
/// Implementations: <see cref="FileKeyProvider"/> (default) and the PKCS#11 provider (Meterline.HeadEnd.Pkcs11).
/// </summary>
public interface IKeyProvider
{
    /// <summary>The provider's id, stored in every <see cref="WrappedKey"/> it makes (e.g. "file", "pkcs11").</summary>
    string ProviderId { get; }

    /// <summary>The id of the key-encryption key that wraps new secrets; safe to log.</summary>
    string KeyEncryptionKeyId { get; }

    /// <summary>Wraps a secret for one (meter, kind, generation); the result unwraps only for that binding.</summary>
    WrappedKey Wrap(KeyBinding binding, ReadOnlySpan<byte> secret);

    /// <summary>
    /// Unwraps a secret; the caller zeroes the array when done. Throws <see cref="KeyUnwrapException"/> when the blob
    /// was altered, wrapped by another provider or key-encryption key, or bound to another meter, kind or generation.
    /// </summary>
    byte[] Unwrap(KeyBinding binding, WrappedKey wrapped);

    /// <summary>HMAC-SHA-256 of a secret under the provider's fingerprint key (32 bytes): equal secrets, equal fingerprints.</summary>
    byte[] Fingerprint(ReadOnlySpan<byte> secret);

    /// <summary>The head-end's signing key (ECDSA P-256), created on first use and kept by the provider.</summary>
    IHesSigner Signer { get; }
}
