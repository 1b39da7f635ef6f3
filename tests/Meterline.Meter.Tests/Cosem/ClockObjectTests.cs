using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Cosem;

public sealed class ClockObjectTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 10, 7, 29, TimeSpan.Zero);
    private static readonly TimeSpan Ist = new(5, 30, 0);

    private sealed class Fixture
    {
        public Fixture(DeviationConvention convention = DeviationConvention.LocalMinusUtc, Func<TimeSpan>? measuringPeriod = null)
        {
            Time = new FakeTimeProvider(Start);
            Clock = new MeterClock(Time, Ist, convention);
            Object = new ClockObject(Clock, (before, after) => Sets.Add((before, after)), measuringPeriod);
        }

        public FakeTimeProvider Time { get; }

        public MeterClock Clock { get; }

        public ClockObject Object { get; }

        public List<(DateTimeOffset Before, DateTimeOffset After)> Sets { get; } = [];

        public ActionResult Invoke(sbyte method, CosemData? parameters) => Object.Invoke(Contexts.Utility, method, parameters).Result;

        public DataAccessResult Set(sbyte attribute, CosemData value) => Object.Set(Contexts.Utility, attribute, null, value);

        public CosemData? Get(sbyte attribute) => Object.Get(Contexts.Public, attribute, null).Data;
    }

    private static CosemData DateTimeValue(DateTimeOffset value, DeviationConvention convention = DeviationConvention.LocalMinusUtc) =>
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(value, ClockStatus.Ok, convention));

    [Fact]
    public void Get_EveryAttribute_DefaultValues()
    {
        var f = new Fixture();
        Assert.Equal(ObisCode.Clock, f.Object.LogicalName);
        Assert.Equal((ushort)8, f.Object.ClassId);

        // 10:07:29 UTC = 15:37:29 IST, Thursday, deviation +330.
        Assert.Equal(Contexts.OctetString(0x07, 0xEA, 1, 1, 4, 15, 37, 29, 0, 0x01, 0x4A, 0x00), f.Get(2));
        Assert.Equal(new CosemData.Long(330), f.Get(3));
        Assert.Equal(new CosemData.Unsigned(0), f.Get(4));
        Assert.Equal(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), f.Get(5));
        Assert.Equal(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), f.Get(6));
        Assert.Equal(new CosemData.Integer(0), f.Get(7));
        Assert.Equal(new CosemData.Boolean(false), f.Get(8));
        Assert.Equal(new CosemData.Enum(1), f.Get(9));
    }

    [Fact]
    public void Get_TimeZoneBlueBookConvention_NegatedOffset()
    {
        var f = new Fixture(DeviationConvention.BlueBook);
        Assert.Equal(new CosemData.Long(-330), f.Get(3));
    }

    [Fact]
    public void Get_Status_FollowsTheClock()
    {
        var f = new Fixture();
        f.Clock.Status = ClockStatus.DoubtfulValue;
        Assert.Equal(new CosemData.Unsigned(2), f.Get(4));
    }

    [Fact]
    public void Set_Time_SetsClockAndReportsChange()
    {
        var f = new Fixture();
        var target = new DateTimeOffset(2026, 2, 3, 12, 0, 0, Ist);
        Assert.Equal(DataAccessResult.Success, f.Set(2, DateTimeValue(target)));
        Assert.Equal(target, f.Clock.UtcNow);
        Assert.Equal([(Start, target.ToUniversalTime())], f.Sets);
    }

    [Fact]
    public void Set_TimeWithUnspecifiedDeviation_AssumesClockZone()
    {
        var f = new Fixture();
        var local = CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 2, 3, 12, 0, 0, Ist)) with { Deviation = CosemDateTime.DeviationNotSpecified };
        Assert.Equal(DataAccessResult.Success, f.Set(2, CosemData.OctetString.FromDateTime(local)));
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 6, 30, 0, TimeSpan.Zero), f.Clock.UtcNow);
    }

    [Fact]
    public void Set_TimeNotAnInstant_OtherReasonAndUnchanged()
    {
        var f = new Fixture();
        var noYear = CosemDateTime.FromDateTimeOffset(Start) with { Date = new CosemDate(CosemDate.YearNotSpecified, 1, 1, 0xFF) };
        Assert.Equal(DataAccessResult.OtherReason, f.Set(2, CosemData.OctetString.FromDateTime(noYear)));
        Assert.Equal(DataAccessResult.OtherReason, f.Set(2, CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start) with { Time = new CosemTime(25, 0, 0, 0) })));
        Assert.Equal(Start, f.Clock.UtcNow);
        Assert.Empty(f.Sets);
    }

    [Fact]
    public void Set_TimeWrongType_TypeUnmatched()
    {
        var f = new Fixture();
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(2, new CosemData.DoubleLongUnsigned(0)));
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(2, Contexts.OctetString(1, 2, 3)));
        Assert.Empty(f.Sets);
    }

    [Theory]
    [InlineData(DeviationConvention.LocalMinusUtc, 60, 60)]
    [InlineData(DeviationConvention.BlueBook, -60, 60)]
    public void Set_TimeZone_SignPerConvention(DeviationConvention convention, short written, int offsetMinutes)
    {
        var f = new Fixture(convention);
        Assert.Equal(DataAccessResult.Success, f.Set(3, new CosemData.Long(written)));
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), f.Clock.UtcOffset);
        Assert.Equal(Start, f.Clock.UtcNow);
        Assert.Empty(f.Sets);
    }

    [Fact]
    public void Set_TimeZoneRefusals()
    {
        var f = new Fixture();
        Assert.Equal(DataAccessResult.OtherReason, f.Set(3, new CosemData.Long(900)));
        Assert.Equal(DataAccessResult.OtherReason, f.Set(3, new CosemData.Long(unchecked((short)0x8000))));
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(3, new CosemData.Integer(0)));
        Assert.Equal(Ist, f.Clock.UtcOffset);
    }

    [Fact]
    public void Set_DaylightSavings_StoredAndReturned()
    {
        var f = new Fixture();
        var begin = new CosemDateTime(new CosemDate(CosemDate.YearNotSpecified, 3, CosemDate.LastDayOfMonth, 7), new CosemTime(2, 0, 0, 0), CosemDateTime.DeviationNotSpecified, ClockStatus.NotSpecified);
        Assert.Equal(DataAccessResult.Success, f.Set(5, CosemData.OctetString.FromDateTime(begin)));
        Assert.Equal(DataAccessResult.Success, f.Set(6, new CosemData.DateTime(begin with { Date = begin.Date with { Month = 10 } })));
        Assert.Equal(DataAccessResult.Success, f.Set(7, new CosemData.Integer(60)));
        Assert.Equal(DataAccessResult.Success, f.Set(8, new CosemData.Boolean(true)));
        Assert.Equal(CosemData.OctetString.FromDateTime(begin), f.Get(5));
        Assert.Equal(CosemData.OctetString.FromDateTime(begin with { Date = begin.Date with { Month = 10 } }), f.Get(6));
        Assert.Equal(new CosemData.Integer(60), f.Get(7));
        Assert.Equal(new CosemData.Boolean(true), f.Get(8));
        Assert.Equal(Start, f.Clock.UtcNow);
    }

    [Fact]
    public void Set_DaylightSavingsRefusals_Unchanged()
    {
        var f = new Fixture();
        var badMonth = CosemDateTime.Unspecified with { Date = new CosemDate(CosemDate.YearNotSpecified, 13, 1, 0xFF) };
        Assert.Equal(DataAccessResult.OtherReason, f.Set(5, CosemData.OctetString.FromDateTime(badMonth)));
        Assert.Equal(DataAccessResult.OtherReason, f.Set(6, CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified with { Time = new CosemTime(24, 0, 0, 0) })));
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(5, new CosemData.Unsigned(1)));
        Assert.Equal(DataAccessResult.OtherReason, f.Set(7, new CosemData.Integer(121)));
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(7, new CosemData.Long(60)));
        Assert.Equal(DataAccessResult.TypeUnmatched, f.Set(8, new CosemData.Unsigned(1)));
        Assert.Equal(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), f.Get(5));
        Assert.Equal(new CosemData.Integer(0), f.Get(7));
        Assert.Equal(new CosemData.Boolean(false), f.Get(8));
    }

    [Fact]
    public void Set_ReadOnlyAttributes_ReadWriteDenied()
    {
        var f = new Fixture();
        Assert.Equal(DataAccessResult.ReadWriteDenied, f.Set(4, new CosemData.Unsigned(0)));
        Assert.Equal(DataAccessResult.ReadWriteDenied, f.Set(9, new CosemData.Enum(1)));
    }

    [Fact]
    public void AdjustToQuarter_RoundsToNearestQuarter()
    {
        var f = new Fixture();
        Assert.Equal(ActionResult.Success, f.Invoke(1, new CosemData.Integer(0)));

        // 15:37:29 IST is nearer 15:30 than 15:45.
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 15, 30, 0, Ist), f.Clock.UtcNow);
        f.Time.Advance(TimeSpan.FromMinutes(7.5));
        Assert.Equal(ActionResult.Success, f.Invoke(1, new CosemData.Integer(0)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 15, 45, 0, Ist), f.Clock.UtcNow);
        Assert.Equal(2, f.Sets.Count);
    }

    [Fact]
    public void AdjustToMinute_ThirtySecondsRoundsUp()
    {
        var f = new Fixture();
        Assert.Equal(ActionResult.Success, f.Invoke(3, new CosemData.Integer(0)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 7, 0, TimeSpan.Zero), f.Clock.UtcNow);
        f.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(ActionResult.Success, f.Invoke(3, new CosemData.Integer(0)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 8, 0, TimeSpan.Zero), f.Clock.UtcNow);
    }

    [Fact]
    public void AdjustToMeasuringPeriod_UsesThePeriod()
    {
        var f = new Fixture(measuringPeriod: () => TimeSpan.FromMinutes(30));
        Assert.Equal(ActionResult.Success, f.Invoke(2, new CosemData.Integer(0)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 15, 30, 0, Ist), f.Clock.UtcNow);
    }

    [Fact]
    public void AdjustToMeasuringPeriod_NoPeriod_ReadWriteDenied()
    {
        var f = new Fixture();
        Assert.Equal(ActionResult.ReadWriteDenied, f.Invoke(2, new CosemData.Integer(0)));
        Assert.Equal(Start, f.Clock.UtcNow);
    }

    [Fact]
    public void AdjustMethods_BadParameter_RefusedAndUnchanged()
    {
        var f = new Fixture(measuringPeriod: () => TimeSpan.FromMinutes(15));
        foreach (sbyte method in new sbyte[] { 1, 2, 3, 4 })
        {
            Assert.Equal(ActionResult.TypeUnmatched, f.Invoke(method, new CosemData.Long(0)));
            Assert.Equal(ActionResult.OtherReason, f.Invoke(method, new CosemData.Integer(1)));
        }

        Assert.Equal(Start, f.Clock.UtcNow);
        Assert.Empty(f.Sets);
    }

    [Fact]
    public void PresetThenAdjust_InsideValidity_SetsPresetOnce()
    {
        var f = new Fixture();
        var preset = new DateTimeOffset(2026, 1, 1, 16, 0, 0, Ist);
        var parameters = new CosemData.Structure(
            DateTimeValue(preset),
            DateTimeValue(Start.AddMinutes(-1)),
            DateTimeValue(Start.AddMinutes(5)));
        Assert.Equal(ActionResult.Success, f.Invoke(5, parameters));
        Assert.Equal(Start, f.Clock.UtcNow);
        Assert.Equal(new ClockPreset(preset.ToUniversalTime(), Start.AddMinutes(-1), Start.AddMinutes(5)), f.Object.PendingPreset);

        Assert.Equal(ActionResult.Success, f.Invoke(4, new CosemData.Integer(0)));
        Assert.Equal(preset, f.Clock.UtcNow);
        Assert.Null(f.Object.PendingPreset);
        Assert.Equal(ActionResult.OtherReason, f.Invoke(4, new CosemData.Integer(0)));
        Assert.Single(f.Sets);
    }

    [Fact]
    public void AdjustToPreset_OutsideValidity_OtherReasonAndKept()
    {
        var f = new Fixture();
        var parameters = new CosemData.Structure(
            DateTimeValue(Start.AddHours(1)),
            DateTimeValue(Start.AddMinutes(10)),
            DateTimeValue(Start.AddMinutes(20)));
        Assert.Equal(ActionResult.Success, f.Invoke(5, parameters));
        Assert.Equal(ActionResult.OtherReason, f.Invoke(4, new CosemData.Integer(0)));
        Assert.Equal(Start, f.Clock.UtcNow);
        f.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(ActionResult.Success, f.Invoke(4, new CosemData.Integer(0)));
        Assert.Equal(Start.AddHours(1), f.Clock.UtcNow);
    }

    [Fact]
    public void PresetAdjustingTime_Malformed_Refused()
    {
        var f = new Fixture();
        var t = DateTimeValue(Start);
        Assert.Equal(ActionResult.TypeUnmatched, f.Invoke(5, new CosemData.Structure(t, t)));
        Assert.Equal(ActionResult.TypeUnmatched, f.Invoke(5, new CosemData.Structure(t, t, new CosemData.Unsigned(0))));
        Assert.Equal(ActionResult.TypeUnmatched, f.Invoke(5, null));
        Assert.Equal(ActionResult.OtherReason, f.Invoke(5, new CosemData.Structure(t, DateTimeValue(Start.AddMinutes(1)), t)));
        Assert.Equal(ActionResult.OtherReason, f.Invoke(5, new CosemData.Structure(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), t, t)));
        Assert.Null(f.Object.PendingPreset);
    }

    [Fact]
    public void ShiftTime_WithinLimits_Shifts()
    {
        var f = new Fixture();
        Assert.Equal(ActionResult.Success, f.Invoke(6, new CosemData.Long(-900)));
        Assert.Equal(Start.AddSeconds(-900), f.Clock.UtcNow);
        Assert.Equal([(Start, Start.AddSeconds(-900))], f.Sets);
    }

    [Fact]
    public void ShiftTime_Refusals_Unchanged()
    {
        var f = new Fixture();
        Assert.Equal(ActionResult.OtherReason, f.Invoke(6, new CosemData.Long(901)));
        Assert.Equal(ActionResult.TypeUnmatched, f.Invoke(6, new CosemData.Integer(10)));
        Assert.Equal(ActionResult.ObjectUndefined, f.Invoke(7, new CosemData.Integer(0)));
        Assert.Equal(Start, f.Clock.UtcNow);
        Assert.Empty(f.Sets);
    }
}
