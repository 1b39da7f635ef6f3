namespace Meterline.Meter.Events;

/// <summary>
/// One abnormal condition watched by the meter (over-voltage, magnet, …) with the hysteresis of a real meter: the
/// occurrence is logged once the condition has held for the occurrence time, the restoration once it has been
/// absent for the restoration time. Brief blips are not events. Not thread-safe.
/// </summary>
public sealed class EventConditionTracker
{
    private DateTimeOffset? _since;

    public EventConditionTracker(ushort occurrenceCode, ushort? restorationCode, TimeSpan occurrenceTime, TimeSpan restorationTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrenceTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(restorationTime, TimeSpan.Zero);
        OccurrenceCode = occurrenceCode;
        RestorationCode = restorationCode;
        OccurrenceTime = occurrenceTime;
        RestorationTime = restorationTime;
    }

    public ushort OccurrenceCode { get; }

    /// <summary>The restoration event, or null for a condition that is never restored (cover open).</summary>
    public ushort? RestorationCode { get; }

    public TimeSpan OccurrenceTime { get; }

    public TimeSpan RestorationTime { get; }

    /// <summary>True between a logged occurrence and its restoration.</summary>
    public bool IsActive { get; private set; }

    /// <summary>Feeds the condition as seen at <paramref name="now"/>; returns the event to log, if one is due.</summary>
    public ushort? Update(bool condition, DateTimeOffset now)
    {
        if (condition == IsActive)
        {
            _since = null;
            return null;
        }

        if (IsActive && RestorationCode is null)
        {
            return null;
        }

        _since ??= now;
        if (now - _since.Value < (IsActive ? RestorationTime : OccurrenceTime))
        {
            return null;
        }

        _since = null;
        IsActive = condition;
        return condition ? OccurrenceCode : RestorationCode;
    }
}
