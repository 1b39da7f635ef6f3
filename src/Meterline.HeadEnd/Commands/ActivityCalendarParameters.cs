using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.Commands;

/// <summary>Write a passive time-of-use calendar and the time the meter activates it.</summary>
public sealed record ActivityCalendarParameters(TariffCalendar Calendar) : CommandParameters
{
    /// <summary>Longest calendar name in bytes (ASCII), as the Activity calendar's calendar_name allows.</summary>
    public const int MaxNameLength = 16;

    public override CommandKind Kind => CommandKind.ActivityCalendar;

    public bool Equals(ActivityCalendarParameters? other) =>
        other is not null && Calendar.Name == other.Calendar.Name && Calendar.ActivateAt == other.Calendar.ActivateAt
        && Calendar.Switches.SequenceEqual(other.Calendar.Switches);

    public override int GetHashCode() => HashCode.Combine(Calendar.Name, Calendar.ActivateAt, Calendar.Switches.Count);
}
