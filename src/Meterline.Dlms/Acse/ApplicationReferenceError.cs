namespace Meterline.Dlms.Acse;

/// <summary>ServiceError application-reference [0] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum ApplicationReferenceError : byte
{
    Other = 0,
    TimeElapsed = 1,
    ApplicationUnreachable = 2,
    ApplicationReferenceInvalid = 3,
    ApplicationContextUnsupported = 4,
    ProviderCommunicationError = 5,
    DecipheringError = 6,
}
