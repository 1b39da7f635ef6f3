using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ExceptionResponse (Green Book ed. 8 §9.5, tag 0xD8): a server's answer to an APDU it cannot handle at all.
/// <c>ExceptionResponse ::= SEQUENCE { state-error [0] IMPLICIT ENUMERATED, service-error [1] CHOICE {
/// operation-not-possible [1] IMPLICIT NULL, …, deciphering-error [5] IMPLICIT NULL, invocation-counter-error [6]
/// IMPLICIT Unsigned32 } }</c>: the tag byte, the state-error byte, the service-error choice byte and, for
/// invocation-counter-error only, four bytes of the invocation counter the server expects next.
/// </summary>
public sealed record ExceptionResponse : Apdu
{
    /// <summary>An exception response whose service-error carries no value.</summary>
    /// <exception cref="ArgumentException"><paramref name="serviceError"/> is invocation-counter-error, which needs
    /// the counter: use <see cref="ForInvocationCounterError"/>.</exception>
    public ExceptionResponse(StateError stateError, ServiceError serviceError)
    {
        if (serviceError == ServiceError.InvocationCounterError)
        {
            throw new ArgumentException("invocation-counter-error carries the expected counter; use ForInvocationCounterError", nameof(serviceError));
        }

        StateError = stateError;
        ServiceError = serviceError;
    }

    private ExceptionResponse(StateError stateError, uint invocationCounter)
    {
        StateError = stateError;
        ServiceError = ServiceError.InvocationCounterError;
        InvocationCounter = invocationCounter;
    }

    public StateError StateError { get; }

    public ServiceError ServiceError { get; }

    /// <summary>For invocation-counter-error, the invocation counter the server expects; otherwise null.</summary>
    public uint? InvocationCounter { get; }

    public override byte Tag => ApduTag.ExceptionResponse;

    /// <summary>The invocation-counter-error alternative, with the counter the server expects.</summary>
    public static ExceptionResponse ForInvocationCounterError(StateError stateError, uint expectedInvocationCounter) =>
        new(stateError, expectedInvocationCounter);

    internal static ExceptionResponse Read(ref AxdrReader reader)
    {
        ApduFields.ReadTag(ref reader, ApduTag.ExceptionResponse, "ExceptionResponse");
        var stateError = ApduFields.ReadEnum<StateError>(ref reader, "state-error");
        var serviceError = ApduFields.ReadEnum<ServiceError>(ref reader, "service-error");
        return serviceError == ServiceError.InvocationCounterError
            ? new ExceptionResponse(stateError, reader.ReadUInt32())
            : new ExceptionResponse(stateError, serviceError);
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(Tag);
        writer.WriteByte((byte)StateError);
        writer.WriteByte((byte)ServiceError);
        if (InvocationCounter is { } counter)
        {
            writer.WriteUInt32(counter);
        }
    }
}
