using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Time;

/// <summary>
/// The meter's real-time clock. True time comes from a <see cref="System.TimeProvider"/> (the system clock in
/// production, a fake or accelerated one in tests and the simulator); the meter's own time is true time plus an
/// offset that setting or shifting the clock changes, plus the drift of an imperfect crystal (parts per million).
/// The time zone is a fixed UTC offset (IS 15959 meters run on IST, +05:30, without daylight saving); date-times are
/// written with the profile's deviation sign convention. Not thread-safe: the meter serialises access.
/// </summary>
public sealed class MeterClock
{
    private TimeSpan _offset;
    private DateTimeOffset _driftAnchor;
    private double _driftPpm;
    private DateTimeOffset? _pinned;

    /// <param name="timeProvider">True time.</param>
    /// <param name="utcOffset">The meter's local time zone as an offset from UTC.</param>
    /// <param name="convention">The deviation sign convention of the profile's date-times.</param>
    public MeterClock(TimeProvider timeProvider, TimeSpan utcOffset, DeviationConvention convention = DeviationConvention.BlueBook)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        UtcOffset = utcOffset;
        Convention = convention;
        _driftAnchor = timeProvider.GetUtcNow();
    }

    /// <summary>True time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The deviation sign convention of date-times this clock writes and reads.</summary>
    public DeviationConvention Convention { get; }

    /// <summary>The local time zone, as an offset from UTC (attribute 3, time_zone).</summary>
    public TimeSpan UtcOffset
    {
        get;
        set
        {
            if (value < TimeSpan.FromHours(-12) || value > TimeSpan.FromHours(14) || value.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "A time zone is a whole number of minutes from −12 h to +14 h");
            }

            field = value;
        }
    }

    /// <summary>The clock status sent with the time (attribute 4, status).</summary>
    public ClockStatus Status { get; set; }

    /// <summary>How fast the meter's crystal runs, in parts per million (positive: the clock gains).</summary>
    public double DriftPpm
    {
        get => _driftPpm;
        set
        {
            if (!double.IsFinite(value) || Math.Abs(value) > 10_000)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "Drift is a finite number of ppm up to ±10,000");
            }

            FoldDrift();
            _driftPpm = value;
        }
    }

    /// <summary>True time now (or the instant the meter is catching up to, while it steps through time).</summary>
    public DateTimeOffset TrueNow => _pinned ?? TimeProvider.GetUtcNow();

    /// <summary>The meter's time now, in UTC.</summary>
    public DateTimeOffset UtcNow => ToMeterTime(TrueNow);

    /// <summary>The meter's time now, in its local time zone.</summary>
    public DateTimeOffset LocalNow => UtcNow.ToOffset(UtcOffset);

    /// <summary>How far the meter's time is from true time now.</summary>
    public TimeSpan Error => UtcNow - TrueNow;

    /// <summary>The meter's time at a true instant (no later than now; drift is extrapolated).</summary>
    public DateTimeOffset ToMeterTime(DateTimeOffset trueTime)
    {
        var drift = TimeSpan.FromTicks((long)((trueTime - _driftAnchor).Ticks * _driftPpm / 1_000_000d));
        return trueTime + _offset + drift;
    }

    /// <summary>Sets the meter's time (attribute 2, time; or adjust_to_preset_time).</summary>
    public void Set(DateTimeOffset meterTime)
    {
        var now = TrueNow;
        _driftAnchor = now;
        _offset = meterTime.ToUniversalTime() - now;
        Status &= ~(ClockStatus.InvalidValue | ClockStatus.DoubtfulValue);
    }

    /// <summary>Moves the meter's time by <paramref name="shift"/> (method 6, shift_time).</summary>
    public void Shift(TimeSpan shift) => Set(UtcNow + shift);

    /// <summary>A meter time as a COSEM date-time in the local time zone.</summary>
    public CosemDateTime ToCosem(DateTimeOffset meterTime) =>
        CosemDateTime.FromDateTimeOffset(meterTime.ToOffset(UtcOffset), Status, Convention);

    /// <summary>The meter's time now as a COSEM date-time.</summary>
    public CosemDateTime NowAsCosem() => ToCosem(UtcNow);

    /// <summary>
    /// Holds "now" at <paramref name="trueTime"/> while the meter steps its measurements through a stretch of time it
    /// has not yet processed, so that everything it consults (tariff zone, limiter, captures) sees that instant.
    /// </summary>
    internal void Pin(DateTimeOffset trueTime) => _pinned = trueTime;

    /// <summary>Releases <see cref="Pin"/>: now is the time provider's again.</summary>
    internal void Unpin() => _pinned = null;

    private void FoldDrift()
    {
        var now = TrueNow;
        _offset = ToMeterTime(now) - now;
        _driftAnchor = now;
    }
}
