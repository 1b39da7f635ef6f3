namespace Meterline.Dlms.Acse;

/// <summary>ServiceError access [5] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum AccessError : byte
{
    Other = 0,
    ScopeOfAccessViolated = 1,
    ObjectAccessViolated = 2,
    HardwareFault = 3,
    ObjectUnavailable = 4,
}
