using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Control;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Control;

public sealed class ActivityCalendarObjectTests
{
    private static readonly ObisCode Ln = new(0, 0, 13, 0, 0, 255);
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly ObisCode Script = DayProfileAction.TarifficationScriptTable;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MeterClock _clock;
    private readonly RecordingEventRecorder _events = new();

    public ActivityCalendarObjectTests()
    {
        _clock = new MeterClock(_time, Ist);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(5, 59, 1)]
    [InlineData(6, 0, 2)]
    [InlineData(17, 59, 2)]
    [InlineData(18, 0, 3)]
    [InlineData(21, 59, 3)]
    [InlineData(22, 0, 4)]
    [InlineData(23, 59, 4)]
    public void CurrentScriptSelector_Is15959Default_ZoneByLocalTime(int hour, int minute, int zone)
    {
        var calendar = Create(ActivityCalendarTables.Is15959Default());
        SetLocal(2026, 7, 15, hour, minute);
        Assert.Equal(zone, calendar.CurrentScriptSelector());
    }

    [Fact]
    public void CurrentScriptSelector_NoCalendar_Zone1()
    {
        var calendar = Create();
        SetLocal(2026, 7, 15, 19, 0);
        Assert.Equal(1, calendar.CurrentScriptSelector());
    }

    [Theory]
    [InlineData(1, 15, 7)] // January: the winter season that began last October
    [InlineData(3, 31, 7)]
    [InlineData(4, 1, 5)] // summer from 1 April 00:00, every year
    [InlineData(9, 30, 5)]
    [InlineData(10, 1, 7)]
    [InlineData(12, 31, 7)]
    public void CurrentScriptSelector_TwoSeasonsEveryYear_SeasonByDate(int month, int day, int zone)
    {
        var calendar = Create(TwoSeasons());
        SetLocal(2026, month, day, 12, 0);
        Assert.Equal(zone, calendar.CurrentScriptSelector());
    }

    [Fact]
    public void CurrentScriptSelector_SeasonBoundaryAtMidnight_ChangesAtTheSecond()
    {
        var calendar = Create(TwoSeasons());
        _clock.Set(new DateTimeOffset(2026, 3, 31, 23, 59, 59, Ist));
        Assert.Equal(7, calendar.CurrentScriptSelector());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, calendar.CurrentScriptSelector());
    }

    [Fact]
    public void CurrentScriptSelector_Weekday_SundayUsesItsOwnDay()
    {
        var tables = new ActivityCalendarTables(
            "WK"u8.ToArray(),
            [Season("S", month: 1, "W")],
            [new WeekProfile("W"u8.ToArray(), [1, 1, 1, 1, 1, 1, 2])],
            [Day(1, (0, 2)), Day(2, (0, 8))]);
        var calendar = Create(tables);
        SetLocal(2026, 1, 10, 12, 0); // Saturday
        Assert.Equal(2, calendar.CurrentScriptSelector());
        SetLocal(2026, 1, 11, 12, 0); // Sunday
        Assert.Equal(8, calendar.CurrentScriptSelector());
        SetLocal(2026, 1, 12, 12, 0); // Monday
        Assert.Equal(2, calendar.CurrentScriptSelector());
    }

    [Fact]
    public void CurrentScriptSelector_BeforeFirstActionOfDay_PreviousDayLastActionHolds()
    {
        var tables = new ActivityCalendarTables(
            "N"u8.ToArray(),
            [Season("S", month: 1, "W")],
            [new WeekProfile("W"u8.ToArray(), [1, 1, 1, 1, 1, 1, 2])],
            [Day(1, (6, 2), (22, 4)), Day(2, (6, 3), (20, 6))]);
        var calendar = Create(tables);
        SetLocal(2026, 1, 13, 3, 0); // Tuesday 03:00, after Monday's 22:00 action
        Assert.Equal(4, calendar.CurrentScriptSelector());
        SetLocal(2026, 1, 12, 3, 0); // Monday 03:00, after Sunday's 20:00 action
        Assert.Equal(6, calendar.CurrentScriptSelector());
    }

    [Fact]
    public void Get_EveryAttribute_EncodesTables()
    {
        var tables = ActivityCalendarTables.Is15959Default();
        var calendar = Create(tables);
        Assert.Equal(new CosemData.OctetString(Ln.ToArray()), Get(calendar, 1));
        Assert.Equal(new CosemData.OctetString("IS15959-TOU"u8.ToArray()), Get(calendar, 2));
        Assert.Equal(new CosemData.Array(tables.Seasons[0].ToData()), Get(calendar, 3));
        Assert.Equal(
            new CosemData.Array(new CosemData.Structure(
                new CosemData.OctetString("W1"u8.ToArray()),
                new CosemData.Unsigned(1), new CosemData.Unsigned(1), new CosemData.Unsigned(1), new CosemData.Unsigned(1),
                new CosemData.Unsigned(1), new CosemData.Unsigned(1), new CosemData.Unsigned(1))),
            Get(calendar, 4));
        var day = (CosemData.Array)Get(calendar, 5)!;
        var first = (CosemData.Structure)((CosemData.Array)((CosemData.Structure)day.Items[0]).Items[1]).Items[1];
        Assert.Equal(
            new CosemData.Structure(new CosemData.OctetString(new byte[] { 6, 0, 0, 0 }), new CosemData.OctetString(Script.ToArray()), new CosemData.LongUnsigned(2)),
            first);
        for (sbyte attribute = 2; attribute <= 5; attribute++)
        {
            Assert.Equal(Get(calendar, attribute), Get(calendar, (sbyte)(attribute + 4)));
        }

        Assert.Equal(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), Get(calendar, 10));
        Assert.Equal((20, 0), (calendar.ClassId, calendar.Version));
    }

    [Fact]
    public void SetPassiveThenActivate_CopiesToActiveAndRecords155()
    {
        var calendar = Create();
        var tables = TwoSeasons();
        WritePassive(calendar, tables);

        Assert.Equal(ActionResult.Success, calendar.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(0)).Result);

        Assert.Equal(tables, calendar.Active);
        Assert.Equal(new ushort[] { 155 }, _events.Codes);
        SetLocal(2026, 5, 1, 12, 0);
        Assert.Equal(5, calendar.CurrentScriptSelector());
        Assert.Equal(new CosemData.OctetString("SEASONS"u8.ToArray()), Get(calendar, 2));
    }

    [Fact]
    public void Activate_MissingWeekProfile_OtherReasonAndActiveUnchanged()
    {
        var calendar = Create(ActivityCalendarTables.Is15959Default());
        Assert.Equal(DataAccessResult.Success, Set(calendar, 7, new CosemData.Array(Season("S", 1, "NOPE").ToData())));

        Assert.Equal(ActionResult.OtherReason, calendar.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(0)).Result);

        Assert.Equal(ActivityCalendarTables.Is15959Default(), calendar.Active);
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void Activate_MissingDayId_OtherReason()
    {
        var calendar = Create(ActivityCalendarTables.Is15959Default());
        var week = new WeekProfile("W1"u8.ToArray(), [1, 1, 1, 1, 1, 1, 9]);
        Assert.Equal(DataAccessResult.Success, Set(calendar, 8, new CosemData.Array(week.ToData())));
        Assert.Equal(ActionResult.OtherReason, calendar.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(0)).Result);
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void Activate_BadParameter_Refused()
    {
        var calendar = Create();
        Assert.Equal(ActionResult.TypeUnmatched, calendar.Invoke(TestAssociations.Utility, 1, new CosemData.Unsigned(0)).Result);
        Assert.Equal(ActionResult.OtherReason, calendar.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(1)).Result);
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void Tick_ActivationTimePasses_ActivatesOnce()
    {
        var calendar = Create();
        WritePassive(calendar, TwoSeasons());
        var at = new DateTimeOffset(2026, 1, 1, 6, 0, 0, Ist);
        Assert.Equal(DataAccessResult.Success, Set(calendar, 10, CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(at))));

        calendar.Tick(); // 05:30 local, not yet
        Assert.Equal(ActivityCalendarTables.Empty, calendar.Active);
        _time.Advance(TimeSpan.FromMinutes(30));
        calendar.Tick();
        Assert.Equal(TwoSeasons(), calendar.Active);
        _time.Advance(TimeSpan.FromMinutes(30));
        calendar.Tick();
        Assert.Equal(new ushort[] { 155 }, _events.Codes);
    }

    [Fact]
    public void Tick_NoActivationTime_NothingHappens()
    {
        var calendar = Create();
        WritePassive(calendar, TwoSeasons());
        _time.Advance(TimeSpan.FromDays(400));
        calendar.Tick();
        Assert.Empty(_events.Codes);
    }

    public static TheoryData<sbyte, CosemData, DataAccessResult> BadWrites()
    {
        var season = Season("S", 1, "W").ToData();
        var week = new WeekProfile("W"u8.ToArray(), [1, 1, 1, 1, 1, 1, 1]).ToData();
        CosemData DayData(byte id, int actions) => new DayProfile(id, Enumerable.Range(0, actions).Select(i => new DayProfileAction(new CosemTime((byte)i, 0, 0, 0), Script, 1)).ToImmutableArray()).ToData();
        CosemData ActionDay(CosemData action) => new CosemData.Array(new CosemData.Structure(new CosemData.Unsigned(1), new CosemData.Array(action)));
        CosemData Action(CosemData time, int selector) => new CosemData.Structure(time, new CosemData.OctetString(Script.ToArray()), new CosemData.LongUnsigned((ushort)selector));
        var badStart = CosemData.OctetString.FromDateTime(new CosemDateTime(new CosemDate(2026, 13, 1, 0xFF), new CosemTime(0, 0, 0, 0), 0, ClockStatus.Ok));
        return new TheoryData<sbyte, CosemData, DataAccessResult>
        {
            { 2, new CosemData.OctetString(new byte[1]), DataAccessResult.ReadWriteDenied },
            { 3, new CosemData.Array(), DataAccessResult.ReadWriteDenied },
            { 4, new CosemData.Array(), DataAccessResult.ReadWriteDenied },
            { 5, new CosemData.Array(), DataAccessResult.ReadWriteDenied },
            { 6, new CosemData.VisibleString("x"), DataAccessResult.TypeUnmatched },
            { 6, new CosemData.OctetString(new byte[17]), DataAccessResult.OtherReason },
            { 7, new CosemData.Structure(), DataAccessResult.TypeUnmatched },
            { 7, new CosemData.Array(Enumerable.Repeat(season, 13).ToArray()), DataAccessResult.OtherReason },
            { 7, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[1]), badStart, new CosemData.OctetString(new byte[1]))), DataAccessResult.OtherReason },
            { 7, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[1]), new CosemData.OctetString(new byte[5]), new CosemData.OctetString(new byte[1]))), DataAccessResult.OtherReason },
            { 7, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[1]))), DataAccessResult.TypeUnmatched },
            { 8, new CosemData.Array(Enumerable.Range(0, 9).Select(i => new WeekProfile(new[] { (byte)i }, [1, 1, 1, 1, 1, 1, 1]).ToData()).ToArray()), DataAccessResult.OtherReason },
            { 8, new CosemData.Array(week, week), DataAccessResult.OtherReason },
            { 8, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[1]), new CosemData.Unsigned(1))), DataAccessResult.TypeUnmatched },
            { 9, new CosemData.Array(Enumerable.Range(0, 17).Select(i => DayData((byte)i, 1)).ToArray()), DataAccessResult.OtherReason },
            { 9, new CosemData.Array(DayData(1, 17)), DataAccessResult.OtherReason },
            { 9, new CosemData.Array(DayData(1, 0)), DataAccessResult.OtherReason },
            { 9, new CosemData.Array(DayData(1, 2), DayData(1, 3)), DataAccessResult.OtherReason },
            { 9, ActionDay(Action(new CosemData.OctetString(new byte[] { 24, 0, 0, 0 }), 1)), DataAccessResult.OtherReason },
            { 9, ActionDay(Action(new CosemData.OctetString(new byte[] { 6, 0, 0, 0 }), 9)), DataAccessResult.OtherReason },
            { 9, ActionDay(Action(new CosemData.OctetString(new byte[] { 6, 0, 0, 0 }), 0)), DataAccessResult.OtherReason },
            { 9, ActionDay(Action(new CosemData.Unsigned(6), 1)), DataAccessResult.TypeUnmatched },
            { 9, new CosemData.Array(new CosemData.Structure(new CosemData.Unsigned(1))), DataAccessResult.TypeUnmatched },
            { 10, new CosemData.DateTime(CosemDateTime.Unspecified), DataAccessResult.TypeUnmatched },
            { 10, new CosemData.OctetString(new byte[11]), DataAccessResult.OtherReason },
            { 10, CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified with { Time = new CosemTime(6, 0, 0, 0) }), DataAccessResult.OtherReason },
        };
    }

    [Theory]
    [MemberData(nameof(BadWrites))]
    public void Set_BadValue_RefusedAndNothingChanges(sbyte attribute, CosemData value, DataAccessResult expected)
    {
        var calendar = Create(ActivityCalendarTables.Is15959Default());
        var before = Get(calendar, attribute);
        Assert.Equal(expected, Set(calendar, attribute, value));
        Assert.Equal(before, Get(calendar, attribute));
        Assert.Equal(ActivityCalendarTables.Is15959Default(), calendar.Passive);
    }

    [Fact]
    public void Set_StartTimeAsTimeType_Accepted()
    {
        var calendar = Create();
        var day = new CosemData.Array(new CosemData.Structure(
            new CosemData.Unsigned(1),
            new CosemData.Array(new CosemData.Structure(new CosemData.Time(new CosemTime(6, 30, 0xFF, 0xFF)), new CosemData.OctetString(Script.ToArray()), new CosemData.LongUnsigned(3)))));
        Assert.Equal(DataAccessResult.Success, Set(calendar, 9, day));
        Assert.Equal(TimeSpan.FromMinutes(390), calendar.Passive.DayProfiles[0].Schedule[0].Start);
    }

    [Fact]
    public void Ctor_InconsistentInitial_Throws()
    {
        var broken = ActivityCalendarTables.Is15959Default() with { DayProfiles = [] };
        Assert.Throws<ArgumentException>(() => Create(broken));
    }

    private ActivityCalendarObject Create(ActivityCalendarTables? tables = null) => new(Ln, _clock, _events, tables);

    private void SetLocal(int year, int month, int day, int hour, int minute) =>
        _clock.Set(new DateTimeOffset(year, month, day, hour, minute, 0, Ist));

    private static void WritePassive(ActivityCalendarObject calendar, ActivityCalendarTables tables)
    {
        Assert.Equal(DataAccessResult.Success, Set(calendar, 6, new CosemData.OctetString(tables.CalendarName)));
        Assert.Equal(DataAccessResult.Success, Set(calendar, 7, new CosemData.Array(tables.Seasons.Select(s => s.ToData()).ToImmutableArray())));
        Assert.Equal(DataAccessResult.Success, Set(calendar, 8, new CosemData.Array(tables.WeekProfiles.Select(w => w.ToData()).ToImmutableArray())));
        Assert.Equal(DataAccessResult.Success, Set(calendar, 9, new CosemData.Array(tables.DayProfiles.Select(d => d.ToData()).ToImmutableArray())));
    }

    private static CosemData? Get(ActivityCalendarObject calendar, sbyte attribute) => calendar.Get(TestAssociations.Utility, attribute, null).Data;

    private static DataAccessResult Set(ActivityCalendarObject calendar, sbyte attribute, CosemData value) =>
        calendar.Set(TestAssociations.Utility, attribute, null, value);

    /// <summary>Summer (week "SU", day 1 → TZ5) from 1 April, winter (week "WI", day 2 → TZ7) from 1 October, every year.</summary>
    private static ActivityCalendarTables TwoSeasons() => new(
        "SEASONS"u8.ToArray(),
        [Season("SUMMER", 4, "SU"), Season("WINTER", 10, "WI")],
        [new WeekProfile("SU"u8.ToArray(), [1, 1, 1, 1, 1, 1, 1]), new WeekProfile("WI"u8.ToArray(), [2, 2, 2, 2, 2, 2, 2])],
        [Day(1, (0, 5)), Day(2, (0, 7))]);

    private static SeasonProfile Season(string name, byte month, string week) => new(
        System.Text.Encoding.ASCII.GetBytes(name),
        new CosemDateTime(new CosemDate(CosemDate.YearNotSpecified, month, 1, CosemDate.NotSpecified), new CosemTime(0, 0, 0, 0), CosemDateTime.DeviationNotSpecified, ClockStatus.NotSpecified),
        System.Text.Encoding.ASCII.GetBytes(week));

    private static DayProfile Day(byte id, params (byte Hour, ushort Zone)[] actions) =>
        new(id, actions.Select(a => new DayProfileAction(new CosemTime(a.Hour, 0, 0, 0), Script, a.Zone)).ToImmutableArray());
}
