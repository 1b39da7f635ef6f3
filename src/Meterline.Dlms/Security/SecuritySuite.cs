namespace Meterline.Dlms.Security;

/// <summary>
/// DLMS/COSEM security suites (Green Book 9.2.3.7, security suite id in bits 0-3 of the security control byte).
/// </summary>
public enum SecuritySuite : byte
{
    /// <summary>Suite 0: AES-GCM-128 for ciphering, AES-128 key wrap.</summary>
    AesGcm128 = 0,

    /// <summary>Suite 1: ECDH-ECDSA-AES-GCM-128-SHA-256 (P-256 curve, AES-GCM-128, SHA-256).</summary>
    EcdhEcdsaAesGcm128Sha256 = 1,

    /// <summary>Suite 2: ECDH-ECDSA-AES-GCM-256-SHA-384 (P-384). Recognised, but not supported here.</summary>
    EcdhEcdsaAesGcm256Sha384 = 2,
}
