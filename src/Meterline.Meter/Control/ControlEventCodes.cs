namespace Meterline.Meter.Control;

/// <summary>The profile's event codes (profiles/*.json, IS 15959 event table) that the control objects record.</summary>
public static class ControlEventCodes
{
    /// <summary>155: activity calendar (time zones) changed.</summary>
    public const ushort ActivityCalendarChanged = 155;

    /// <summary>158: load limit set.</summary>
    public const ushort LoadLimitSet = 158;

    /// <summary>159: load limit function enabled.</summary>
    public const ushort LoadLimitEnabled = 159;

    /// <summary>160: load limit function disabled.</summary>
    public const ushort LoadLimitDisabled = 160;

    /// <summary>301: load switch disconnected.</summary>
    public const ushort LoadSwitchDisconnected = 301;

    /// <summary>302: load switch connected.</summary>
    public const ushort LoadSwitchConnected = 302;
}
