using Meterline.HeadEnd.Billing;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// When a prepaid disconnect may be carried out: a daily window of local time (<c>HH:mm-HH:mm</c>, as a tariff's
/// time-of-use window: 24:00 allowed as an end, a window ending before it starts runs over midnight), never on a
/// listed holiday, and not on Saturdays and Sundays unless <see cref="Weekends"/>. Holidays and weekends are judged by
/// the local date of the instant. Reconnection has no window.
/// </summary>
public sealed record DisconnectWindow(TouWindow Hours, IReadOnlySet<DateOnly> Holidays, bool Weekends)
{
    /// <summary>How far <see cref="NextAllowed"/> looks ahead before it gives up (a year of holidays at most).</summary>
    public const int MaxDaysAhead = 400;

    /// <summary>10:00 to 16:00 on working days, no holidays.</summary>
    public static readonly DisconnectWindow Default = new(new TouWindow(10 * 60, 16 * 60), new HashSet<DateOnly>(), Weekends: false);

    /// <summary>Whether a disconnect may be carried out at <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public bool IsAllowed(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return IsAllowedDay(DateOnly.FromDateTime(local.DateTime)) && Hours.Contains((local.Hour * 60) + local.Minute);
    }

    /// <summary>The first allowed moment at or after <paramref name="instant"/>, or null when there is none within <see cref="MaxDaysAhead"/> days.</summary>
    public DateTimeOffset? NextAllowed(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (IsAllowed(instant, zone))
        {
            return instant;
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        for (var day = today; day <= today.AddDays(MaxDaysAhead); day = day.AddDays(1))
        {
            if (!IsAllowedDay(day))
            {
                continue;
            }

            // A window over midnight is open from the day's start; any window opens at its start minute.
            foreach (var minute in Hours.Contains(0) ? new[] { 0, Hours.StartMinute } : [Hours.StartMinute])
            {
                var candidate = BillingMonth.LocalMidnight(day, zone).AddMinutes(minute);
                if (candidate > instant && IsAllowed(candidate, zone))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private bool IsAllowedDay(DateOnly day) =>
        !Holidays.Contains(day) && (Weekends || day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
}
