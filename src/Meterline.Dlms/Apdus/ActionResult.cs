namespace Meterline.Dlms.Apdus;

/// <summary>
/// The outcome of invoking a method by ACTION (Green Book ed. 8 §9.5, <c>Action-Result ::= ENUMERATED</c>). A refusal
/// is a value, not an exception.
/// </summary>
public enum ActionResult : byte
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
    LongActionAborted = 15,
    NoLongActionInProgress = 16,
    OtherReason = 250,
}
