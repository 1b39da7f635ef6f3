namespace Meterline.Meter.Metrology;

/// <summary>
/// Periods aligned to the meter's clock (Blue Book IC 5 Demand register, <c>period</c>; IC 7 Profile generic,
/// <c>capture_period</c>; IS 15959 demand integration period and block load profile interval): a period is a whole
/// number of minutes that divides a day, and its blocks start at local midnight. The blocks are read on the local
/// wall clock of the time given (its date and time of day in its own offset).
/// </summary>
public static class ClockBlocks
{
    private const long MinutesPerDay = 1440;

    /// <summary>Whether <paramref name="period"/> is a whole number of minutes, at least one, that divides a day.</summary>
    public static bool IsValidPeriod(TimeSpan period) =>
        period >= TimeSpan.FromMinutes(1)
        && period.Ticks % TimeSpan.TicksPerMinute == 0
        && MinutesPerDay % (period.Ticks / TimeSpan.TicksPerMinute) == 0;

    /// <summary>
    /// The end of the block <paramref name="time"/> falls in: the first boundary at or after it (a time exactly on
    /// a boundary ends the block before it).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not valid.</exception>
    public static DateTimeOffset BlockEnd(DateTimeOffset time, TimeSpan period)
    {
        Validate(period);
        var ticks = time.DateTime.Ticks;
        var remainder = ticks % period.Ticks;
        return remainder == 0 ? time : new DateTimeOffset(ticks - remainder + period.Ticks, time.Offset);
    }

    /// <summary>Whether <paramref name="time"/> is exactly on a boundary of <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not valid.</exception>
    public static bool IsBoundary(DateTimeOffset time, TimeSpan period)
    {
        Validate(period);
        return time.DateTime.Ticks % period.Ticks == 0;
    }

    private static void Validate(TimeSpan period)
    {
        if (!IsValidPeriod(period))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A period is a whole number of minutes that divides a day");
        }
    }
}
