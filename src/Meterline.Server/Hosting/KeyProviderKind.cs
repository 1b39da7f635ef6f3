namespace Meterline.Server.Hosting;

/// <summary>Where the head-end's key-encryption key and signing key live.</summary>
public enum KeyProviderKind
{
    /// <summary>A key file or an environment variable (<see cref="Meterline.HeadEnd.Keys.FileKeyProvider"/>).</summary>
    File,

    /// <summary>A PKCS#11 token (an HSM, or SoftHSM2).</summary>
    Pkcs11,
}
