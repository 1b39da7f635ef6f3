namespace Meterline.Dlms.Acse;

/// <summary>
/// The COSEM authentication mechanism names, the last arc of {joint-iso-ccitt(2) country(16) country-name(756)
/// identified-organization(5) DLMS-UA(8) authentication-mechanism-name(2) mechanism_id(N)} (Green Book, "COSEM
/// authentication mechanism names"), encoded <c>60 85 74 05 08 02 0N</c>. An id inside the DLMS UA arc that is not
/// listed here is carried as its number, so that a server can answer authentication-mechanism-name-not-recognised.
/// </summary>
public enum AuthenticationMechanism : byte
{
    /// <summary>COSEM_lowest_level_security_mechanism_name: no authentication.</summary>
    Lowest = 0,

    /// <summary>COSEM_low_level_security_mechanism_name: password (LLS).</summary>
    Low = 1,

    /// <summary>COSEM_high_level_security_mechanism_name: manufacturer specific HLS.</summary>
    High = 2,

    /// <summary>HLS using MD5 (deprecated by the Green Book).</summary>
    HighMd5 = 3,

    /// <summary>HLS using SHA-1 (deprecated by the Green Book).</summary>
    HighSha1 = 4,

    /// <summary>HLS using GMAC.</summary>
    HighGmac = 5,

    /// <summary>HLS using SHA-256.</summary>
    HighSha256 = 6,

    /// <summary>HLS using ECDSA.</summary>
    HighEcdsa = 7,
}
