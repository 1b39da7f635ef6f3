namespace Meterline.Dlms.Acse;

/// <summary>
/// The alternatives of the xDLMS ConfirmedServiceError CHOICE (Green Book xDLMS ASN.1): the service that failed.
/// Tag 0 is reserved.
/// </summary>
public enum ConfirmedService : byte
{
    InitiateError = 1,
    GetStatus = 2,
    GetNameList = 3,
    GetVariableAttribute = 4,
    Read = 5,
    Write = 6,
    GetDataSetAttribute = 7,
    GetTIAttribute = 8,
    ChangeScope = 9,
    Start = 10,
    Stop = 11,
    Resume = 12,
    MakeUsable = 13,
    InitiateLoad = 14,
    LoadSegment = 15,
    TerminateLoad = 16,
    InitiateUpLoad = 17,
    UpLoadSegment = 18,
    TerminateUpLoad = 19,
}
