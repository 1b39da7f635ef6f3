namespace Meterline.Dlms.Acse;

/// <summary>Release-request-reason ::= INTEGER (Green Book ACSE ASN.1, RLRQ reason [0]).</summary>
public enum ReleaseRequestReason
{
    Normal = 0,
    Urgent = 1,
    UserDefined = 30,
}
