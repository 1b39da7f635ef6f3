namespace Meterline.Dlms.Apdus;

/// <summary>
/// The outcome of accessing an attribute by GET or SET (Green Book ed. 8 §9.5, <c>Data-Access-Result ::=
/// ENUMERATED</c>). A refusal is a value, not an exception.
/// </summary>
public enum DataAccessResult : byte
{
    Success = 0,
    HardwareFault = 1,
    TemporaryFailure = 2,
    ReadWriteDenied = 3,
    ObjectUndefined = 4,
    ObjectClassInconsistent = 9,
    ObjectUnavailable = 11,
    TypeUnmatched = 12,
    ScopeOfAccessViolated = 13,
    DataBlockUnavailable = 14,
    LongGetAborted = 15,
    NoLongGetInProgress = 16,
    LongSetAborted = 17,
    NoLongSetInProgress = 18,
    DataBlockNumberInvalid = 19,
    OtherReason = 250,
}
