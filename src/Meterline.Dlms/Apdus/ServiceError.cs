namespace Meterline.Dlms.Apdus;

/// <summary>
/// Which alternative of the service-error CHOICE an <see cref="ExceptionResponse"/> carries (Green Book ed. 8 §9.5).
/// All are NULL except <see cref="InvocationCounterError"/>, which carries an Unsigned32 (see
/// <see cref="ExceptionResponse.InvocationCounter"/>).
/// </summary>
public enum ServiceError : byte
{
    OperationNotPossible = 1,
    ServiceNotSupported = 2,
    OtherReason = 3,
    PduTooLong = 4,
    DecipheringError = 5,
    InvocationCounterError = 6,
}
