namespace Meterline.Dlms.Acse;

/// <summary>
/// Release-response-reason ::= INTEGER (Green Book ACSE ASN.1, RLRE reason [0]). Unlike the request reason,
/// value 1 is not-finished, not urgent.
/// </summary>
public enum ReleaseResponseReason
{
    Normal = 0,
    NotFinished = 1,
    UserDefined = 30,
}
