namespace Meterline.Dlms;

/// <summary>Machine-readable reason carried by every <see cref="DlmsException"/>.</summary>
public enum DlmsErrorReason
{
    /// <summary>The bytes do not follow the encoding rules (A-XDR, BER or a frame format).</summary>
    Malformed = 1,

    /// <summary>The PDU ends before a field that its own encoding says is there.</summary>
    Truncated,

    /// <summary>A length or count is larger than the bytes present or than a configured limit.</summary>
    LengthOutOfRange,

    /// <summary>Data is nested deeper than the configured limit.</summary>
    NestingTooDeep,

    /// <summary>A tag, choice or enumeration value that this implementation does not know.</summary>
    UnknownTag,

    /// <summary>Well-formed, but uses a feature this implementation does not support.</summary>
    Unsupported,

    /// <summary>An authentication tag, signature or HLS proof did not verify.</summary>
    AuthenticationFailed,

    /// <summary>An invocation counter was not strictly greater than the last one accepted.</summary>
    ReplayDetected,

    /// <summary>A message is protected more weakly than the agreed security policy requires.</summary>
    SecurityPolicyViolation,

    /// <summary>A key has the wrong length, is a published test key, or is otherwise unusable.</summary>
    InvalidKey,

    /// <summary>An invocation counter has reached its maximum and the key must be renewed.</summary>
    InvocationCounterExhausted,

    /// <summary>An invocation counter value could not be reserved durably, so none may be used.</summary>
    InvocationCounterUnavailable,

    /// <summary>An operation is not valid in the current state (association or session).</summary>
    InvalidState,

    /// <summary>The link to the peer failed, closed, or the peer did not answer in time.</summary>
    LinkFailure,
}
