namespace Meterline.Meter.Security;

/// <summary>The profile's event codes (profiles/*.json, IS 15959 event table) that the security objects record.</summary>
public static class SecurityEventCodes
{
    /// <summary>162: HLS key (utility settings) changed.</summary>
    public const ushort HlsKeyChanged = 162;

    /// <summary>164: global key changed.</summary>
    public const ushort GlobalKeyChanged = 164;
}
