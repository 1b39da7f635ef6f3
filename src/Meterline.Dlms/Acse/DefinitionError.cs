namespace Meterline.Dlms.Acse;

/// <summary>ServiceError definition [4] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum DefinitionError : byte
{
    Other = 0,
    ObjectUndefined = 1,
    ObjectClassInconsistent = 2,
    ObjectAttributeInconsistent = 3,
}
