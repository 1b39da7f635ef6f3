namespace Meterline.Dlms.Acse;

/// <summary>ServiceError load-data-set [7] IMPLICIT ENUMERATED (Green Book xDLMS ASN.1).</summary>
public enum LoadDataSetError : byte
{
    Other = 0,
    PrimitiveOutOfSequence = 1,
    NotLoadable = 2,
    DatasetSizeTooLarge = 3,
    NotAwaitedSegment = 4,
    InterpretationFailure = 5,
    StorageFailure = 6,
    DataSetNotReady = 7,
}
