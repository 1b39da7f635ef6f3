namespace Meterline.Dlms.Acse;

/// <summary>ServiceError task [9] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum TaskError : byte
{
    Other = 0,
    NoRemoteControl = 1,
    TiStopped = 2,
    TiRunning = 3,
    TiUnusable = 4,
}
