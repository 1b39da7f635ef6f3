namespace Meterline.Meter.Security;

/// <summary>The profile's event codes (profiles/*.json, IS 15959 event table) that the security objects record.</summary>
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
}
