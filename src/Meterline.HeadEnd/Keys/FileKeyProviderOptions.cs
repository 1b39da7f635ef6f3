namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Where <see cref="FileKeyProvider"/> finds its 256-bit key-encryption key: a file of exactly 32 bytes (mode 0600,
/// created from <see cref="System.Security.Cryptography.RandomNumberGenerator"/> when absent and
/// <see cref="CreateKeyFile"/> is set) or an environment variable holding the key in base64. Exactly one of
/// <see cref="KeyFile"/> and <see cref="KeyEnvironmentVariable"/> is given.
/// </summary>
public sealed record FileKeyProviderOptions
{
    /// <summary>The name of the head-end signing key file placed next to the key file by default.</summary>
    public const string DefaultSigningKeyFileName = "hes-signing-key.json";

    /// <summary>The key-encryption key file (32 raw bytes, mode 0600).</summary>
    public string? KeyFile { get; init; }

    /// <summary>Create <see cref="KeyFile"/> with a fresh random key when it does not exist.</summary>
    public bool CreateKeyFile { get; init; }

    /// <summary>The environment variable holding the key-encryption key in base64 (instead of a file).</summary>
    public string? KeyEnvironmentVariable { get; init; }

    /// <summary>
    /// Where the head-end's signing key is kept, wrapped (PKCS#8 under the key-encryption key). Defaults to
    /// <see cref="DefaultSigningKeyFileName"/> next to <see cref="KeyFile"/>; required with <see cref="KeyEnvironmentVariable"/>.
    /// </summary>
    public string? SigningKeyFile { get; init; }
}
