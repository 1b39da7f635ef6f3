namespace Meterline.HeadEnd.Communication;

/// <summary>
/// A time-of-use calendar to send to a meter (Blue Book, Activity calendar class 20): a name, the day's zone switch
/// times (local time of day → tariff zone 1 to 8, at most 8 switches) and when the meter activates it.
/// </summary>
public sealed record TariffCalendar(string Name, IReadOnlyList<TariffSwitch> Switches, DateTimeOffset ActivateAt)
{
    public const int MaxSwitches = 8;
}
