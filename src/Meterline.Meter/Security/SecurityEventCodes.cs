namespace Meterline.Meter.Security;

/// <summary>
/// The profile's event codes (profiles/*.json, IS 15959 event table) that the security objects record; 191–194 are
/// Meterline's own, in the transaction group (3), for signed commands.
/// </summary>
public static class SecurityEventCodes
{
    /// <summary>162: HLS key (utility settings) changed.</summary>
    public const ushort HlsKeyChanged = 162;

    /// <summary>164: global key changed.</summary>
    public const ushort GlobalKeyChanged = 164;

    /// <summary>
    /// 170: a secured request was refused because its invocation counter was not fresh — a replayed or stale request
    /// (Green Book 9.2.3.3.7.3). A Meterline extension of the profile's event table: IS 15959 has no such code.
    /// </summary>
    public const ushort InvocationCounterRefused = 170;

    /// <summary>191: a command that must be signed by the head-end came unsigned, and was refused (Meterline's code).</summary>
    public const ushort SignatureMissing = 191;

    /// <summary>192: a signed command whose signature does not verify with the head-end's key was refused (Meterline's code).</summary>
    public const ushort SignatureInvalid = 192;

    /// <summary>193: a signed command whose transaction-id was not fresh (a replay) was refused (Meterline's code).</summary>
    public const ushort SignedRequestReplayed = 193;

    /// <summary>194: the head-end public key the meter trusts was installed or replaced (Meterline's code).</summary>
    public const ushort HesPublicKeyChanged = 194;
}
