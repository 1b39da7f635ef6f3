namespace Meterline.Dlms.Acse;

/// <summary>ServiceError vde-state-error [2] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum VdeStateError : byte
{
    Other = 0,
    NoDlmsContext = 1,
    LoadingDataSet = 2,
    StatusNochange = 3,
    StatusInoperable = 4,
}
