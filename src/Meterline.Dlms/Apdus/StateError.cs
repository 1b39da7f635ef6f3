namespace Meterline.Dlms.Apdus;

/// <summary>The state-error of an <see cref="ExceptionResponse"/> (Green Book ed. 8 §9.5, <c>[0] IMPLICIT ENUMERATED</c>).</summary>
public enum StateError : byte
{
    ServiceNotAllowed = 1,
    ServiceUnknown = 2,
}
