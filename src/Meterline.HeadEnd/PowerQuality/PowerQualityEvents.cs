namespace Meterline.HeadEnd.PowerQuality;

/// <summary>The IS 15959 voltage events (group 0) of <c>profiles/is15959-single-phase.json</c>.</summary>
public static class PowerQualityEvents
{
    public const int OverVoltage = 7;
    public const int OverVoltageRestoration = 8;
    public const int LowVoltage = 9;
    public const int LowVoltageRestoration = 10;

    /// <summary>True for the four voltage event codes.</summary>
    public static bool IsVoltageEvent(int code) => code is OverVoltage or OverVoltageRestoration or LowVoltage or LowVoltageRestoration;
}
