using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// One element of communication_window ("Push setup", Blue Book 4.4.8): structure {start_time octet-string,
/// end_time octet-string}, both date-times that may hold wildcards ("not specified" fields repeat the window:
/// 22:00–04:00 with every date field not specified is a nightly window).
/// <para>
/// Matching: the fields are compared as the meter's local wall time (deviation and clock status are ignored: the
/// meter has one fixed time zone); a field not specified takes the value of now; hundredths are ignored; day of
/// month 0xFE/0xFD mean the last/second last day. When both ends specify a day of week, now's day of week must lie
/// in that (cyclic) range. A window whose resolved start lies after its resolved end wraps (22:00–04:00) when it has
/// wildcards; a fully specified window must not end before it starts (refused when written).
/// </para>
/// </summary>
public readonly record struct CommunicationWindow(CosemDateTime Start, CosemDateTime End)
{
    /// <summary>True when both ends are valid patterns and a fully specified window does not end before it starts.</summary>
    public bool IsValid
    {
        get
        {
            if (!IsValidPattern(Start) || !IsValidPattern(End))
            {
                return false;
            }

            return !IsFullySpecified(Start) || !IsFullySpecified(End) || Key(Start, default) <= Key(End, default);
        }
    }

    /// <summary>True when <paramref name="localNow"/> (the meter's local wall time) lies in the window.</summary>
    public bool Contains(DateTime localNow)
    {
        if (Start.Date.DayOfWeek != CosemDate.NotSpecified && End.Date.DayOfWeek != CosemDate.NotSpecified)
        {
            var today = localNow.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)localNow.DayOfWeek;
            var from = Start.Date.DayOfWeek;
            var to = End.Date.DayOfWeek;
            var inRange = from <= to ? today >= from && today <= to : today >= from || today <= to;
            if (!inRange)
            {
                return false;
            }
        }

        var now = Key(localNow);
        var start = Key(Start, localNow);
        var end = Key(End, localNow);
        if (start <= end)
        {
            return start <= now && now <= end;
        }

        return (!IsFullySpecified(Start) || !IsFullySpecified(End)) && (now >= start || now <= end);
    }

    internal static bool IsValidPattern(CosemDateTime value)
    {
        var date = value.Date;
        var time = value.Time;
        return (date.Year == CosemDate.YearNotSpecified || date.Year is >= 1 and <= 9999)
            && (date.Month == CosemDate.NotSpecified || date.Month is >= 1 and <= 12)
            && (date.DayOfMonth is >= 1 and <= 31 or CosemDate.NotSpecified or CosemDate.LastDayOfMonth or CosemDate.SecondLastDayOfMonth)
            && (date.DayOfWeek == CosemDate.NotSpecified || date.DayOfWeek is >= 1 and <= 7)
            && (time.Hour == CosemTime.NotSpecified || time.Hour <= 23)
            && (time.Minute == CosemTime.NotSpecified || time.Minute <= 59)
            && (time.Second == CosemTime.NotSpecified || time.Second <= 59)
            && (time.Hundredths == CosemTime.NotSpecified || time.Hundredths <= 99);
    }

    private static bool IsFullySpecified(CosemDateTime value) =>
        value.Date.Year != CosemDate.YearNotSpecified && value.Date.Month != CosemDate.NotSpecified
        && value.Date.DayOfMonth != CosemDate.NotSpecified && value.Time.Hour != CosemTime.NotSpecified
        && value.Time.Minute != CosemTime.NotSpecified && value.Time.Second != CosemTime.NotSpecified;

    private static long Key(DateTime now) => Key(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second);

    private static long Key(CosemDateTime pattern, DateTime now)
    {
        var year = pattern.Date.Year == CosemDate.YearNotSpecified ? now.Year : pattern.Date.Year;
        var month = pattern.Date.Month == CosemDate.NotSpecified ? now.Month : pattern.Date.Month;
        var daysInMonth = DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), Math.Clamp(month, 1, 12));
        var day = pattern.Date.DayOfMonth switch
        {
            CosemDate.NotSpecified => now.Day,
            CosemDate.LastDayOfMonth => daysInMonth,
            CosemDate.SecondLastDayOfMonth => daysInMonth - 1,
            var d => d,
        };
        var hour = pattern.Time.Hour == CosemTime.NotSpecified ? now.Hour : pattern.Time.Hour;
        var minute = pattern.Time.Minute == CosemTime.NotSpecified ? now.Minute : pattern.Time.Minute;
        var second = pattern.Time.Second == CosemTime.NotSpecified ? now.Second : pattern.Time.Second;
        return Key(year, month, day, hour, minute, second);
    }

    private static long Key(int year, int month, int day, int hour, int minute, int second) =>
        ((((((((((long)year * 100) + month) * 100) + day) * 100) + hour) * 100) + minute) * 100) + second;
}
