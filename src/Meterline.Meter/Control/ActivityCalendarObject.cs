using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Events;
using Meterline.Meter.Time;

namespace Meterline.Meter.Control;

/// <summary>
/// "Activity calendar" (Blue Book 4.5.5, class 20, version 0): time-of-use switching. Attributes 2–5 are the active
/// calendar (calendar_name, season_profile, week_profile_table, day_profile_table; read-only), 6–9 the passive one
/// (writable, each validated against the bounds of <see cref="ActivityCalendarTables"/>), 10
/// activate_passive_calendar_time (octet-string date-time; all fields not specified = never). Method 1
/// activate_passive_calendar (integer 0) copies the passive calendar to the active one; an inconsistent passive
/// calendar (a week_name or day_id referenced but missing) is refused with <see cref="ActionResult.OtherReason"/>
/// and nothing changes. Activation records 155. The passive calendar stays as written after activation.
/// <para>
/// <see cref="CurrentScriptSelector"/> gives the tariff zone in force at the clock's local time; with no calendar in
/// force (no season started) it is 1, so all energy goes to TZ1. <see cref="Tick"/>, called by the meter
/// periodically, activates the passive calendar once when activate_passive_calendar_time has passed; writing that
/// attribute again re-arms it.
/// </para>
/// </summary>
public sealed class ActivityCalendarObject : CosemObject
{
    /// <summary>The tariff zone used when no calendar is in force.</summary>
    public const int DefaultTariffZone = 1;

    private const sbyte CalendarNameActive = 2;
    private const sbyte SeasonProfileActive = 3;
    private const sbyte WeekProfileTableActive = 4;
    private const sbyte DayProfileTableActive = 5;
    private const sbyte CalendarNamePassive = 6;
    private const sbyte SeasonProfilePassive = 7;
    private const sbyte WeekProfileTablePassive = 8;
    private const sbyte DayProfileTablePassive = 9;
    private const sbyte ActivatePassiveCalendarTimeAttribute = 10;

    private readonly MeterClock _clock;
    private readonly IEventRecorder _events;
    private bool _activationPending;

    /// <param name="logicalName">Normally 0.0.13.0.0.255.</param>
    /// <param name="clock">The meter's clock (local time decides the tariff zone).</param>
    /// <param name="events">Where 155 is recorded.</param>
    /// <param name="initial">The active calendar (also the initial passive one); <see cref="ActivityCalendarTables.Empty"/> when null.</param>
    public ActivityCalendarObject(ObisCode logicalName, MeterClock clock, IEventRecorder events, ActivityCalendarTables? initial = null)
        : base(logicalName)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(events);
        initial ??= ActivityCalendarTables.Empty;
        if (!initial.IsConsistent)
        {
            throw new ArgumentException("The initial calendar is out of bounds or refers to missing week or day profiles", nameof(initial));
        }

        _clock = clock;
        _events = events;
        Active = initial;
        Passive = initial;
    }

    public override ushort ClassId => 20;

    public override byte Version => 0;

    public override int AttributeCount => 10;

    public override int MethodCount => 1;

    /// <summary>The calendar in force.</summary>
    public ActivityCalendarTables Active { get; private set; }

    /// <summary>The calendar waiting for activation.</summary>
    public ActivityCalendarTables Passive { get; private set; }

    /// <summary>activate_passive_calendar_time.</summary>
    public CosemDateTime ActivatePassiveCalendarTime { get; private set; } = CosemDateTime.Unspecified;

    /// <summary>The tariff zone (script_selector, 1–8) in force at the clock's local time.</summary>
    public int CurrentScriptSelector() => Active.ScriptSelectorAt(_clock.LocalNow.DateTime) ?? DefaultTariffZone;

    /// <summary>Activates the passive calendar once activate_passive_calendar_time has passed.</summary>
    public void Tick()
    {
        if (!_activationPending || !TryActivationInstant(ActivatePassiveCalendarTime, out var at) || _clock.UtcNow < at)
        {
            return;
        }

        _activationPending = false;
        Activate();
    }

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        new(attributeId switch
        {
            CalendarNameActive => new CosemData.OctetString(Active.CalendarName),
            SeasonProfileActive => Seasons(Active),
            WeekProfileTableActive => Weeks(Active),
            DayProfileTableActive => Days(Active),
            CalendarNamePassive => new CosemData.OctetString(Passive.CalendarName),
            SeasonProfilePassive => Seasons(Passive),
            WeekProfileTablePassive => Weeks(Passive),
            DayProfileTablePassive => Days(Passive),
            _ => CosemData.OctetString.FromDateTime(ActivatePassiveCalendarTime),
        });

    protected override DataAccessResult SetAttribute(AssociationContext association, sbyte attributeId, CosemData value)
    {
        DataAccessResult result;
        switch (attributeId)
        {
            case CalendarNamePassive:
                result = ActivityCalendarData.ReadName(value, out var name);
                if (result == DataAccessResult.Success)
                {
                    Passive = Passive with { CalendarName = name };
                }

                return result;
            case SeasonProfilePassive:
                result = ActivityCalendarData.ReadSeasons(value, out var seasons);
                if (result == DataAccessResult.Success)
                {
                    Passive = Passive with { Seasons = seasons };
                }

                return result;
            case WeekProfileTablePassive:
                result = ActivityCalendarData.ReadWeeks(value, out var weeks);
                if (result == DataAccessResult.Success)
                {
                    Passive = Passive with { WeekProfiles = weeks };
                }

                return result;
            case DayProfileTablePassive:
                result = ActivityCalendarData.ReadDays(value, out var days);
                if (result == DataAccessResult.Success)
                {
                    Passive = Passive with { DayProfiles = days };
                }

                return result;
            case ActivatePassiveCalendarTimeAttribute:
                return SetActivationTime(value);
            default:
                return DataAccessResult.ReadWriteDenied;
        }
    }

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        if (parameters is not CosemData.Integer integer)
        {
            return (ActionResult.TypeUnmatched, null);
        }

        if (integer.Value != 0)
        {
            return (ActionResult.OtherReason, null);
        }

        return (Activate() ? ActionResult.Success : ActionResult.OtherReason, null);
    }

    private bool Activate()
    {
        if (!Passive.IsConsistent)
        {
            return false;
        }

        Active = Passive;
        _events.Record(ControlEventCodes.ActivityCalendarChanged);
        return true;
    }

    private DataAccessResult SetActivationTime(CosemData value)
    {
        if (value is not CosemData.OctetString octets)
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (!octets.TryGetDateTime(out var time) || (!IsNever(time) && !TryActivationInstant(time, out _)))
        {
            return DataAccessResult.OtherReason;
        }

        ActivatePassiveCalendarTime = time;
        _activationPending = !IsNever(time);
        return DataAccessResult.Success;
    }

    private bool TryActivationInstant(CosemDateTime time, out DateTimeOffset instant) =>
        time.TryToDateTimeOffset(out instant, _clock.Convention, _clock.UtcOffset);

    private static bool IsNever(CosemDateTime time) =>
        time.Date == CosemDateTime.Unspecified.Date && time.Time == CosemDateTime.Unspecified.Time;

    private static CosemData.Array Seasons(ActivityCalendarTables tables) =>
        new(tables.Seasons.Select(s => s.ToData()).ToImmutableArray());

    private static CosemData.Array Weeks(ActivityCalendarTables tables) =>
        new(tables.WeekProfiles.Select(w => w.ToData()).ToImmutableArray());

    private static CosemData.Array Days(ActivityCalendarTables tables) =>
        new(tables.DayProfiles.Select(d => d.ToData()).ToImmutableArray());
}
