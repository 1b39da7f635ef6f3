namespace Meterline.HeadEnd.Outages;

/// <summary>The IS 15959 power events (group 2) of <c>profiles/is15959-single-phase.json</c>.</summary>
public static class PowerEvents
{
    /// <summary>Power failure, occurrence: the meter's last gasp.</summary>
    public const int PowerFailure = 101;

    /// <summary>Power failure, restoration.</summary>
    public const int PowerRestoration = 102;
}
