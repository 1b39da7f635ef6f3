namespace Meterline.Dlms.Security;

/// <summary>
/// The elliptic-curve key agreement schemes selected for DLMS/COSEM from NIST SP 800-56A (Green Book 9.2.3.4.6).
/// Values 1 and 2 are the key-parameters of the agreed-key choice of key-info (Table 21).
/// </summary>
public enum KeyAgreementScheme : byte
{
    /// <summary>
    /// Ephemeral Unified Model C(2e, 0s, ECC CDH): client (party U) and server (party V) agree on global keys through
    /// the key_agreement method of "Security setup". Not a key-parameters value.
    /// </summary>
    EphemeralUnifiedModel = 0,

    /// <summary>One-Pass Diffie-Hellman C(1e, 1s, ECC CDH): originator U ephemeral, recipient V static (key-parameters 0x01).</summary>
    OnePassDiffieHellman = 1,

    /// <summary>Static Unified Model C(0e, 2s, ECC CDH): both static, Nonce_U = transaction-id (key-parameters 0x02).</summary>
    StaticUnifiedModel = 2,
}
