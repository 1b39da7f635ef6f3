namespace Meterline.Dlms.Acse;

/// <summary>ServiceError initiate [6] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum InitiateError : byte
{
    Other = 0,
    DlmsVersionTooLow = 1,
    IncompatibleConformance = 2,
    PduSizeTooShort = 3,
    RefusedByTheVdeHandler = 4,
}
