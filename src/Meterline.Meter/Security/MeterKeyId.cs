namespace Meterline.Meter.Security;

/// <summary>
/// A secret the meter keeps. Values 0–3 are the key_id enumeration of global_key_transfer in "Security setup"
/// version 1 (Blue Book 4.4.7); <see cref="LlsSecret"/> is the meter-reader association's password.
/// </summary>
public enum MeterKeyId : byte
{
    /// <summary>(0) Global unicast encryption key (EK).</summary>
    GlobalUnicastEncryptionKey = 0,

    /// <summary>(1) Global broadcast encryption key.</summary>
    GlobalBroadcastEncryptionKey = 1,

    /// <summary>(2) Authentication key (AK).</summary>
    AuthenticationKey = 2,

    /// <summary>(3) Master key (KEK), which wraps the others in transfer.</summary>
    MasterKey = 3,

    /// <summary>
    /// The head-end's ECDSA P-256 public key, the trust anchor of signed commands; public, and not a key_id of the
    /// Blue Book.
    /// </summary>
    HesPublicKey = 254,

    /// <summary>The LLS secret (password) of the meter-reader association; not a key_id of the Blue Book.</summary>
    LlsSecret = 255,
}
