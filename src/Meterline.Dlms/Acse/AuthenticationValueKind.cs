namespace Meterline.Dlms.Acse;

/// <summary>The alternatives of the Authentication-value CHOICE (Green Book ACSE ASN.1), by context tag.</summary>
public enum AuthenticationValueKind : byte
{
    /// <summary>charstring [0] IMPLICIT GraphicString: the LLS password or an HLS challenge.</summary>
    CharString = 0,

    /// <summary>bitstring [1] IMPLICIT BIT STRING.</summary>
    BitString = 1,

    /// <summary>external [2] IMPLICIT EXTERNAL.</summary>
    External = 2,

    /// <summary>other [3] IMPLICIT SEQUENCE { other-mechanism-name, other-mechanism-value }.</summary>
    Other = 3,
}
