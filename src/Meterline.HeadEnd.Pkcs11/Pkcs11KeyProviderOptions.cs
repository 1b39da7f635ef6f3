namespace Meterline.HeadEnd.Pkcs11;

/// <summary>
/// Where <see cref="Pkcs11KeyProvider"/> finds its token: the PKCS#11 module, the token's label, and the user PIN,
/// read from an environment variable or from a file of mode 0600 (exactly one of them). The options hold where the PIN
/// is, never the PIN.
/// </summary>
public sealed record Pkcs11KeyProviderOptions
{
    /// <summary>Debian's SoftHSM2 module.</summary>
    public const string SoftHsmModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The PKCS#11 module (shared library).</summary>
    public string ModulePath { get; init; } = SoftHsmModulePath;

    /// <summary>The label of the token holding the keys.</summary>
    public required string TokenLabel { get; init; }

    /// <summary>The environment variable holding the user PIN.</summary>
    public string? PinEnvironmentVariable { get; init; }

    /// <summary>A file (mode 0600) holding the user PIN; a trailing newline is ignored.</summary>
    public string? PinFile { get; init; }

    /// <summary>
    /// The labels of the provider's objects start with this: "{prefix}-kek" (AES-256), "{prefix}-fingerprint"
    /// (HMAC-SHA-256 key) and "{prefix}-hes-signing" (ECDSA P-256 key pair).
    /// </summary>
    public string ObjectLabelPrefix { get; init; } = "meterline";
}
