namespace Meterline.Dlms.Security;

/// <summary>
/// COSEM cryptographic algorithm ids (Green Book 9.4.2.2.4 and Table 18): the last arc of
/// { joint-iso-ccitt(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8)
/// cryptographic-algorithm-id(3) x }. The KDF's AlgorithmID names the algorithm the derived key is for.
/// </summary>
public enum CryptographicAlgorithmId : byte
{
    /// <summary>AES-GCM-128 (2.16.756.5.8.3.0).</summary>
    AesGcm128 = 0,

    /// <summary>AES-GCM-256 (2.16.756.5.8.3.1), suite 2: not supported.</summary>
    AesGcm256 = 1,

    /// <summary>AES-WRAP-128 (2.16.756.5.8.3.2).</summary>
    AesWrap128 = 2,

    /// <summary>AES-WRAP-256 (2.16.756.5.8.3.3), suite 2: not supported.</summary>
    AesWrap256 = 3,
}
