namespace Meterline.Dlms.Acse;

/// <summary>ServiceError service [3] IMPLICIT ENUMERATED, service handling troubles (Green Book xDLMS ASN.1).</summary>
public enum ServiceHandlingError : byte
{
    Other = 0,
    PduSize = 1,
    ServiceUnsupported = 2,
}
