using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 8 "Clock", version 0 (Blue Book 4.5.1), logical name 0.0.1.0.0.255, over the meter's
/// <see cref="MeterClock"/>.
/// <list type="bullet">
/// <item>2 <c>time</c>: octet-string date-time. A write (octet-string of 12 bytes or date-time) must denote an
/// instant (else OtherReason); an unspecified deviation means the clock's time zone; the clock_status byte sent is
/// ignored. Years 2 to 9998 only.</item>
/// <item>3 <c>time_zone</c>: long, minutes, with the sign of the clock's deviation <see cref="MeterClock.Convention"/>:
/// Blue Book UTC − local (IST → −330), IS 15959 local − UTC (IST → +330). Writable within UTC−12:00…UTC+14:00,
/// whole minutes; changing it keeps the instant and does not count as a change of time.</item>
/// <item>4 <c>status</c>: unsigned, the clock status. Read-only.</item>
/// <item>5 <c>daylight_savings_begin</c>, 6 <c>daylight_savings_end</c>: octet-string date-time patterns (wildcards
/// allowed, each field in range), stored.</item>
/// <item>7 <c>daylight_savings_deviation</c>: integer, −120…120 minutes, stored.</item>
/// <item>8 <c>daylight_savings_enabled</c>: boolean, stored. The meter never applies daylight saving (IS 15959 meters
/// have none); it keeps and returns what was written.</item>
/// <item>9 <c>clock_base</c>: enum, 1 (internal crystal). Read-only.</item>
/// </list>
/// Methods (parameter integer(0) unless stated; the rounding is done in local time, half up): 1
/// <c>adjust_to_quarter</c>, 2 <c>adjust_to_measuring_period</c> (the period counted from local midnight;
/// ReadWriteDenied when the meter has no measuring period), 3 <c>adjust_to_minute</c> (≥ 30 s rounds up), 4
/// <c>adjust_to_preset_time</c> (OtherReason when no preset is pending or the meter time is outside its validity
/// interval; a preset is used once), 5 <c>preset_adjusting_time</c> (structure {preset_time, validity_interval_start,
/// validity_interval_end}, each an octet-string date-time denoting an instant, start ≤ end), 6 <c>shift_time</c>
/// (long, −900…900 seconds). After every successful write of time and every successful method 1–4 and 6 the
/// <c>timeSet</c> callback receives the meter time before and after, in UTC.
/// </summary>
public sealed class ClockObject : CosemObject
{
    public const sbyte TimeAttribute = 2;
    public const sbyte TimeZoneAttribute = 3;
    public const sbyte StatusAttribute = 4;
    public const sbyte DaylightSavingsBeginAttribute = 5;
    public const sbyte DaylightSavingsEndAttribute = 6;
    public const sbyte DaylightSavingsDeviationAttribute = 7;
    public const sbyte DaylightSavingsEnabledAttribute = 8;
    public const sbyte ClockBaseAttribute = 9;

    public const sbyte AdjustToQuarterMethod = 1;
    public const sbyte AdjustToMeasuringPeriodMethod = 2;
    public const sbyte AdjustToMinuteMethod = 3;
    public const sbyte AdjustToPresetTimeMethod = 4;
    public const sbyte PresetAdjustingTimeMethod = 5;
    public const sbyte ShiftTimeMethod = 6;

    /// <summary>The largest shift_time, in seconds, either way (Blue Book 4.5.1).</summary>
    public const short MaximumShiftSeconds = 900;

    /// <summary>The largest daylight_savings_deviation, in minutes, either way (Blue Book 4.5.1).</summary>
    public const sbyte MaximumDaylightSavingsDeviation = 120;

    /// <summary>clock_base 1: internal crystal (Blue Book 4.5.1).</summary>
    public const byte InternalCrystal = 1;

    private const int MinimumUtcOffsetMinutes = -12 * 60;
    private const int MaximumUtcOffsetMinutes = 14 * 60;

    private readonly MeterClock _clock;
    private readonly Action<DateTimeOffset, DateTimeOffset>? _timeSet;
    private readonly Func<TimeSpan>? _measuringPeriod;

    /// <param name="clock">The meter's clock.</param>
    /// <param name="timeSet">Called with the meter time in UTC before and after every change of time.</param>
    /// <param name="measuringPeriod">The measuring period adjust_to_measuring_period rounds to.</param>
    public ClockObject(MeterClock clock, Action<DateTimeOffset, DateTimeOffset>? timeSet = null, Func<TimeSpan>? measuringPeriod = null)
        : base(ObisCode.Clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _timeSet = timeSet;
        _measuringPeriod = measuringPeriod;
    }

    public override ushort ClassId => 8;

    public override byte Version => 0;

    public override int AttributeCount => 9;

    public override int MethodCount => 6;

    /// <summary>daylight_savings_begin as written (all fields unspecified until then).</summary>
    public CosemDateTime DaylightSavingsBegin { get; private set; } = CosemDateTime.Unspecified;

    /// <summary>daylight_savings_end as written (all fields unspecified until then).</summary>
    public CosemDateTime DaylightSavingsEnd { get; private set; } = CosemDateTime.Unspecified;

    /// <summary>daylight_savings_deviation, minutes.</summary>
    public sbyte DaylightSavingsDeviation { get; private set; }

    /// <summary>daylight_savings_enabled as written; never applied.</summary>
    public bool DaylightSavingsEnabled { get; private set; }

    /// <summary>The preset stored by preset_adjusting_time and not yet used.</summary>
    public ClockPreset? PendingPreset { get; private set; }

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        new(attributeId switch
        {
            TimeAttribute => CosemData.OctetString.FromDateTime(_clock.NowAsCosem()),
            TimeZoneAttribute => new CosemData.Long(ToTimeZone(_clock.UtcOffset)),
            StatusAttribute => new CosemData.Unsigned((byte)_clock.Status),
            DaylightSavingsBeginAttribute => CosemData.OctetString.FromDateTime(DaylightSavingsBegin),
            DaylightSavingsEndAttribute => CosemData.OctetString.FromDateTime(DaylightSavingsEnd),
            DaylightSavingsDeviationAttribute => new CosemData.Integer(DaylightSavingsDeviation),
            DaylightSavingsEnabledAttribute => new CosemData.Boolean(DaylightSavingsEnabled),
            _ => new CosemData.Enum(InternalCrystal),
        });

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        switch (attributeId)
        {
            case TimeAttribute:
                if (!DateTimeValues.TryRead(value, out var time))
                {
                    return DataAccessResult.TypeUnmatched;
                }

                if (!DateTimeValues.TryToInstant(time, _clock, out var instant))
                {
                    return DataAccessResult.OtherReason;
                }

                SetTime(instant);
                return DataAccessResult.Success;

            case TimeZoneAttribute:
                return value is CosemData.Long zone ? SetTimeZone(zone.Value) : DataAccessResult.TypeUnmatched;

            case DaylightSavingsBeginAttribute or DaylightSavingsEndAttribute:
                if (!DateTimeValues.TryRead(value, out var pattern))
                {
                    return DataAccessResult.TypeUnmatched;
                }

                if (!DateTimeValues.IsValidPattern(pattern))
                {
                    return DataAccessResult.OtherReason;
                }

                if (attributeId == DaylightSavingsBeginAttribute)
                {
                    DaylightSavingsBegin = pattern;
                }
                else
                {
                    DaylightSavingsEnd = pattern;
                }

                return DataAccessResult.Success;

            case DaylightSavingsDeviationAttribute:
                if (value is not CosemData.Integer deviation)
                {
                    return DataAccessResult.TypeUnmatched;
                }

                if (Math.Abs((int)deviation.Value) > MaximumDaylightSavingsDeviation)
                {
                    return DataAccessResult.OtherReason;
                }

                DaylightSavingsDeviation = deviation.Value;
                return DataAccessResult.Success;

            case DaylightSavingsEnabledAttribute:
                if (value is not CosemData.Boolean enabled)
                {
                    return DataAccessResult.TypeUnmatched;
                }

                DaylightSavingsEnabled = enabled.Value;
                return DataAccessResult.Success;

            default:
                return DataAccessResult.ReadWriteDenied;
        }
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters) =>
        (methodId switch
        {
            AdjustToQuarterMethod => AdjustTo(parameters, TimeSpan.FromMinutes(15)),
            AdjustToMeasuringPeriodMethod => AdjustToMeasuringPeriod(parameters),
            AdjustToMinuteMethod => AdjustTo(parameters, TimeSpan.FromMinutes(1)),
            AdjustToPresetTimeMethod => AdjustToPresetTime(parameters),
            PresetAdjustingTimeMethod => PresetAdjustingTime(parameters),
            _ => ShiftTime(parameters),
        }, null);

    private short ToTimeZone(TimeSpan utcOffset)
    {
        var minutes = (short)utcOffset.TotalMinutes;
        return _clock.Convention == DeviationConvention.BlueBook ? (short)-minutes : minutes;
    }

    private DataAccessResult SetTimeZone(short timeZone)
    {
        var offsetMinutes = _clock.Convention == DeviationConvention.BlueBook ? -timeZone : timeZone;
        if (offsetMinutes is < MinimumUtcOffsetMinutes or > MaximumUtcOffsetMinutes)
        {
            return DataAccessResult.OtherReason;
        }

        _clock.UtcOffset = TimeSpan.FromMinutes(offsetMinutes);
        return DataAccessResult.Success;
    }

    private ActionResult AdjustToMeasuringPeriod(CosemData? parameters)
    {
        if (_measuringPeriod is null)
        {
            return ActionResult.ReadWriteDenied;
        }

        var period = _measuringPeriod();
        return period <= TimeSpan.Zero || period > TimeSpan.FromDays(1) ? ActionResult.OtherReason : AdjustTo(parameters, period);
    }

    /// <summary>Rounds the local time to the nearest multiple of <paramref name="period"/> after local midnight.</summary>
    private ActionResult AdjustTo(CosemData? parameters, TimeSpan period)
    {
        if (MethodParameters.CheckIntegerZero(parameters) is { } refusal)
        {
            return refusal;
        }

        var local = _clock.LocalNow;
        var midnight = new DateTimeOffset(local.Date, local.Offset);
        var sinceMidnight = (local - midnight).Ticks;
        var rounded = (sinceMidnight + (period.Ticks / 2)) / period.Ticks * period.Ticks;
        SetTime(midnight.AddTicks(rounded));
        return ActionResult.Success;
    }

    private ActionResult AdjustToPresetTime(CosemData? parameters)
    {
        if (MethodParameters.CheckIntegerZero(parameters) is { } refusal)
        {
            return refusal;
        }

        var now = _clock.UtcNow;
        if (PendingPreset is not { } preset || now < preset.ValidityIntervalStart || now > preset.ValidityIntervalEnd)
        {
            return ActionResult.OtherReason;
        }

        PendingPreset = null;
        SetTime(preset.PresetTime);
        return ActionResult.Success;
    }

    private ActionResult PresetAdjustingTime(CosemData? parameters)
    {
        if (parameters is not CosemData.Structure { Items: { IsDefault: false, Length: 3 } items } ||
            !DateTimeValues.TryRead(items[0], out var presetTime) ||
            !DateTimeValues.TryRead(items[1], out var start) ||
            !DateTimeValues.TryRead(items[2], out var end))
        {
            return ActionResult.TypeUnmatched;
        }

        if (!DateTimeValues.TryToInstant(presetTime, _clock, out var presetInstant) ||
            !DateTimeValues.TryToInstant(start, _clock, out var startInstant) ||
            !DateTimeValues.TryToInstant(end, _clock, out var endInstant) ||
            startInstant > endInstant)
        {
            return ActionResult.OtherReason;
        }

        PendingPreset = new ClockPreset(presetInstant.ToUniversalTime(), startInstant.ToUniversalTime(), endInstant.ToUniversalTime());
        return ActionResult.Success;
    }

    private ActionResult ShiftTime(CosemData? parameters)
    {
        if (parameters is not CosemData.Long seconds)
        {
            return ActionResult.TypeUnmatched;
        }

        if (Math.Abs((int)seconds.Value) > MaximumShiftSeconds)
        {
            return ActionResult.OtherReason;
        }

        SetTime(_clock.UtcNow.AddSeconds(seconds.Value));
        return ActionResult.Success;
    }

    private void SetTime(DateTimeOffset meterTime)
    {
        var before = _clock.UtcNow;
        _clock.Set(meterTime);
        _timeSet?.Invoke(before, meterTime.ToUniversalTime());
    }
}
