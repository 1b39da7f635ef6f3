namespace Meterline.Dlms.Acse;

/// <summary>ServiceError hardware-resource [1] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum HardwareResourceError : byte
{
    Other = 0,
    MemoryUnavailable = 1,
    ProcessorResourceUnavailable = 2,
    MassStorageUnavailable = 3,
    OtherResourceUnavailable = 4,
}
