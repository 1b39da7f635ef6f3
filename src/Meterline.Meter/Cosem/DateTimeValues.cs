using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>Reading and checking the date-times clients send (Blue Book 4.1.6.1, "Date and time formats").</summary>
internal static class DateTimeValues
{
    /// <summary>
    /// The earliest and latest years accepted as instants: one year inside the range of <see cref="DateTimeOffset"/>,
    /// so that applying a deviation of up to 14 hours can never leave it.
    /// </summary>
    private const int MinimumYear = 2;
    private const int MaximumYear = 9998;

    /// <summary>A date-time carried as a 12-byte octet-string (the usual form) or as the date-time type (tag 25).</summary>
    public static bool TryRead(CosemData value, out CosemDateTime dateTime)
    {
        switch (value)
        {
            case CosemData.OctetString octets:
                return octets.TryGetDateTime(out dateTime);
            case CosemData.DateTime typed:
                dateTime = typed.Value;
                return true;
            default:
                dateTime = default;
                return false;
        }
    }

    /// <summary>
    /// The instant a date-time denotes, read with the clock's deviation convention; an unspecified deviation is taken
    /// as the clock's own time zone. False when a date or time field is not specified or out of range.
    /// </summary>
    public static bool TryToInstant(CosemDateTime value, MeterClock clock, out DateTimeOffset instant)
    {
        instant = default;
        return value.Date.Year is >= MinimumYear and <= MaximumYear &&
            value.TryToDateTimeOffset(out instant, clock.Convention, clock.UtcOffset);
    }

    /// <summary>
    /// True when every field is either in its range or one of the wildcards the Blue Book allows (month 0xFD/0xFE
    /// daylight-saving end/begin, day 0xFD/0xFE second last/last day, 0xFF not specified, deviation 0x8000): the
    /// recurring patterns of daylight_savings_begin and daylight_savings_end.
    /// </summary>
    public static bool IsValidPattern(CosemDateTime value)
    {
        var date = value.Date;
        var time = value.Time;
        return date.Month is (>= 1 and <= 12) or CosemDate.DaylightSavingsEnd or CosemDate.DaylightSavingsBegin or CosemDate.NotSpecified
            && date.DayOfMonth is (>= 1 and <= 31) or CosemDate.SecondLastDayOfMonth or CosemDate.LastDayOfMonth or CosemDate.NotSpecified
            && date.DayOfWeek is (>= 1 and <= 7) or CosemDate.NotSpecified
            && time.Hour is <= 23 or CosemTime.NotSpecified
            && time.Minute is <= 59 or CosemTime.NotSpecified
            && time.Second is <= 59 or CosemTime.NotSpecified
            && time.Hundredths is <= 99 or CosemTime.NotSpecified
            && (!value.IsDeviationSpecified || value.Deviation is >= -840 and <= 840);
    }
}
