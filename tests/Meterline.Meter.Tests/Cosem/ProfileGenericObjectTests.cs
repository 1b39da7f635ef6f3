using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Cosem;

public sealed class ProfileGenericObjectTests
{
    private static readonly ObisCode BlockLoad = new(1, 0, 99, 1, 0, 255);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly CaptureObjectDefinition Voltage = new(3, new ObisCode(1, 0, 12, 27, 0, 255), 2, 0);
    private static readonly CaptureObjectDefinition Energy = new(3, new ObisCode(1, 0, 1, 29, 0, 255), 2, 0);

    private static readonly ProfileColumn[] Columns =
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Voltage, ProfileColumnType.LongUnsigned),
        new(Energy, ProfileColumnType.DoubleLongUnsigned),
    ];

    private static MeterClock Clock() => new(new FakeTimeProvider(Start), Ist, DeviationConvention.LocalMinusUtc);

    private static ProfileGenericObject Profile(int capacity = 4, MeterClock? clock = null, Func<long[]>? captureNow = null, bool captureOnRead = false) =>
        new(BlockLoad, Columns, capacity, clock ?? Clock(), TimeSpan.FromMinutes(15), captureNow, captureOnRead);

    /// <summary>Entry n: the end of the n-th quarter-hour of 2026-01-01 UTC, voltage 230 + n, energy 100 × n.</summary>
    private static long[] Row(int n) => [Start.AddMinutes(15 * n).UtcTicks, 230 + n, 100 * n];

    private static CosemData Stamp(int n) =>
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.AddMinutes(15 * n).ToOffset(Ist), ClockStatus.Ok, DeviationConvention.LocalMinusUtc));

    private static CosemData Entry(int n) =>
        new CosemData.Structure(Stamp(n), new CosemData.LongUnsigned((ushort)(230 + n)), new CosemData.DoubleLongUnsigned((uint)(100 * n)));

    private static CosemData.Array Buffer(ProfileGenericObject profile, SelectiveAccessDescriptor? selection = null)
    {
        var result = profile.Get(Contexts.Public, 2, selection);
        Assert.Equal(DataAccessResult.Success, result.Result);
        return Assert.IsType<CosemData.Array>(result.Data);
    }

    private static SelectiveAccessDescriptor ByRange(CosemDateTime from, CosemDateTime to, params CaptureObjectDefinition[] selected) =>
        RangeDescriptor.ByClock(from, to, [.. selected]).ToSelectiveAccessDescriptor();

    private static CosemDateTime Local(int n) =>
        CosemDateTime.FromDateTimeOffset(Start.AddMinutes(15 * n).ToOffset(Ist), ClockStatus.Ok, DeviationConvention.LocalMinusUtc);

    private static ProfileGenericObject Filled(int rows, int capacity = 10)
    {
        var profile = Profile(capacity);
        for (var n = 1; n <= rows; n++)
        {
            profile.Append(Row(n));
        }

        return profile;
    }

    [Fact]
    public void Get_StaticAttributes_ReturnBlueBookShapes()
    {
        var profile = Filled(2);
        Assert.Equal((ushort)7, profile.ClassId);
        Assert.Equal((byte)1, profile.Version);
        Assert.Equal(new CosemData.Array(CaptureObjectDefinition.Clock.ToData(), Voltage.ToData(), Energy.ToData()), profile.Get(Contexts.Public, 3, null).Data);
        Assert.Equal(new CosemData.DoubleLongUnsigned(900), profile.Get(Contexts.Public, 4, null).Data);
        Assert.Equal(new CosemData.Enum(1), profile.Get(Contexts.Public, 5, null).Data);
        Assert.Equal(
            new CosemData.Structure(new CosemData.LongUnsigned(0), Contexts.OctetString(0, 0, 0, 0, 0, 0), new CosemData.Integer(0), new CosemData.LongUnsigned(0)),
            profile.Get(Contexts.Public, 6, null).Data);
        Assert.Equal(new CosemData.DoubleLongUnsigned(2), profile.Get(Contexts.Public, 7, null).Data);
        Assert.Equal(new CosemData.DoubleLongUnsigned(10), profile.Get(Contexts.Public, 8, null).Data);
    }

    [Fact]
    public void Set_AnyAttribute_ReadWriteDenied()
    {
        var profile = Filled(1);
        for (sbyte attribute = 2; attribute <= 8; attribute++)
        {
            Assert.Equal(DataAccessResult.ReadWriteDenied, profile.Set(Contexts.Utility, attribute, null, new CosemData.DoubleLongUnsigned(60)));
        }
    }

    [Fact]
    public void Get_Buffer_EncodesEveryCellInCaptureOrder()
    {
        var profile = Filled(2);
        Assert.Equal(new CosemData.Array(Entry(1), Entry(2)), Buffer(profile));

        // Spot-check the bytes of the first clock cell: 2026-01-01 05:45 IST, Thursday, deviation +330.
        Assert.Equal(Contexts.OctetString(0x07, 0xEA, 1, 1, 4, 5, 45, 0, 0, 0x01, 0x4A, 0x00), Buffer(profile).Items[0] is CosemData.Structure s ? s.Items[0] : null);
    }

    [Fact]
    public void Append_BeyondCapacity_OverwritesOldestFifo()
    {
        var profile = Filled(6, capacity: 4);
        Assert.Equal(4, profile.EntriesInUse);
        Assert.Equal(4, profile.Capacity);
        Assert.Equal(Row(3), profile.GetRow(0));
        Assert.Equal(Row(6), profile.GetRow(3));
        Assert.Equal(new CosemData.Array(Entry(3), Entry(4), Entry(5), Entry(6)), Buffer(profile));
    }

    [Fact]
    public void Append_WrongLengthOrOutOfRangeCell_Throws()
    {
        var profile = Profile();
        Assert.Throws<ArgumentException>(() => profile.Append([1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.Append([Start.UtcTicks, 70_000, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.Append([Start.UtcTicks, 1, -1]));
        Assert.Equal(0, profile.EntriesInUse);
    }

    [Fact]
    public void GetRow_OutOfRange_Throws()
    {
        var profile = Filled(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.GetRow(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.GetRow(-1));
    }

    [Fact]
    public void Get_UnspecifiedDateTimeCell_EncodesAllFieldsNotSpecified()
    {
        var profile = Profile();
        profile.Append([ProfileGenericObject.UnspecifiedDateTime, 0, 0]);
        var entry = Assert.IsType<CosemData.Structure>(Buffer(profile).Items[0]);
        Assert.Equal(CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), entry.Items[0]);
    }

    [Fact]
    public void Get_EveryColumnType_EncodesItsCosemType()
    {
        var types = Enum.GetValues<ProfileColumnType>();
        var columns = types.Select((t, i) => new ProfileColumn(new CaptureObjectDefinition(1, new ObisCode(0, 0, 96, 1, (byte)i, 255), 2, 0), t)).ToArray();
        var profile = new ProfileGenericObject(BlockLoad, columns, 1, Clock(), TimeSpan.Zero);
        profile.Append([Start.UtcTicks, uint.MaxValue, int.MinValue, ushort.MaxValue, short.MinValue, 255, -128, -1, long.MinValue, 7, 1]);
        var entry = Assert.IsType<CosemData.Structure>(Buffer(profile).Items[0]);
        Assert.Equal(
            new CosemData[]
            {
                CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(Start.ToOffset(Ist), ClockStatus.Ok, DeviationConvention.LocalMinusUtc)),
                new CosemData.DoubleLongUnsigned(uint.MaxValue),
                new CosemData.DoubleLong(int.MinValue),
                new CosemData.LongUnsigned(ushort.MaxValue),
                new CosemData.Long(short.MinValue),
                new CosemData.Unsigned(255),
                new CosemData.Integer(-128),
                new CosemData.Long64Unsigned(ulong.MaxValue),
                new CosemData.Long64(long.MinValue),
                new CosemData.Enum(7),
                new CosemData.Boolean(true),
            },
            entry.Items.ToArray());
    }

    [Fact]
    public void Get_RangeInclusiveBounds_ReturnsEntriesOnTheBounds()
    {
        var profile = Filled(8);
        Assert.Equal(new CosemData.Array(Entry(3), Entry(4), Entry(5)), Buffer(profile, ByRange(Local(3), Local(5))));
    }

    [Fact]
    public void Get_RangeBoundsInAnotherZone_ComparedAsInstants()
    {
        var profile = Filled(8);

        // The same instants written in UTC with the IS 15959 deviation 0.
        var from = CosemDateTime.FromDateTimeOffset(Start.AddMinutes(30), ClockStatus.Ok, DeviationConvention.LocalMinusUtc);
        var to = CosemDateTime.FromDateTimeOffset(Start.AddMinutes(45), ClockStatus.Ok, DeviationConvention.LocalMinusUtc);
        Assert.Equal(new CosemData.Array(Entry(2), Entry(3)), Buffer(profile, ByRange(from, to)));
    }

    [Fact]
    public void Get_RangeWithUnspecifiedDeviation_ReadInTheClocksZone()
    {
        var profile = Filled(8);
        var from = Local(2) with { Deviation = CosemDateTime.DeviationNotSpecified, ClockStatus = ClockStatus.NotSpecified };
        var to = Local(2) with { Deviation = CosemDateTime.DeviationNotSpecified };
        Assert.Equal(new CosemData.Array(Entry(2)), Buffer(profile, ByRange(from, to)));
    }

    [Fact]
    public void Get_RangeMatchingNothing_EmptyArray()
    {
        var profile = Filled(4);
        Assert.Empty(Buffer(profile, ByRange(Local(10), Local(20))).Items);
        Assert.Empty(Buffer(Profile(), ByRange(Local(1), Local(2))).Items);
    }

    [Fact]
    public void Get_RangeWithSelectedValues_ReturnsThoseColumnsInCaptureOrder()
    {
        var profile = Filled(3);
        var buffer = Buffer(profile, ByRange(Local(1), Local(2), Energy, CaptureObjectDefinition.Clock));
        Assert.Equal(
            new CosemData.Array(
                new CosemData.Structure(Stamp(1), new CosemData.DoubleLongUnsigned(100)),
                new CosemData.Structure(Stamp(2), new CosemData.DoubleLongUnsigned(200))),
            buffer);
    }

    [Fact]
    public void Get_RangeOnDateTimeType_Accepted()
    {
        var profile = Filled(3);
        var range = new RangeDescriptor(CaptureObjectDefinition.Clock, new CosemData.DateTime(Local(1)), new CosemData.DateTime(Local(1)));
        Assert.Equal(new CosemData.Array(Entry(1)), Buffer(profile, range.ToSelectiveAccessDescriptor()));
    }

    [Fact]
    public void Get_RangeIgnoresSubHundredthTicks()
    {
        var profile = Profile();
        profile.Append([Start.AddMinutes(15).UtcTicks + 5, 1, 1]);
        Assert.Single(Buffer(profile, ByRange(Local(1), Local(1))).Items);
    }

    public static TheoryData<string, CosemData, DataAccessResult> MalformedRanges()
    {
        var from = CosemData.OctetString.FromDateTime(Local(1));
        var to = CosemData.OctetString.FromDateTime(Local(2));
        var clock = CaptureObjectDefinition.Clock.ToData();
        var none = new CosemData.Array();
        var unspecifiedHour = CosemData.OctetString.FromDateTime(Local(1) with { Time = Local(1).Time with { Hour = 0xFF } });
        return new()
        {
            { "not a structure", new CosemData.Array(), DataAccessResult.TypeUnmatched },
            { "three members", new CosemData.Structure(clock, from, to), DataAccessResult.TypeUnmatched },
            { "bound not a date-time", new CosemData.Structure(clock, new CosemData.DoubleLongUnsigned(1), to, none), DataAccessResult.TypeUnmatched },
            { "bound of 11 bytes", new CosemData.Structure(clock, Contexts.OctetString(new byte[11]), to, none), DataAccessResult.TypeUnmatched },
            { "restricting object not a column", new CosemData.Structure(new CaptureObjectDefinition(3, new ObisCode(1, 0, 14, 7, 0, 255), 2, 0).ToData(), from, to, none), DataAccessResult.ObjectUnavailable },
            { "restricting column not a date-time", new CosemData.Structure(Voltage.ToData(), new CosemData.LongUnsigned(0), new CosemData.LongUnsigned(300), none), DataAccessResult.OtherReason },
            { "from after to", new CosemData.Structure(clock, to, from, none), DataAccessResult.OtherReason },
            { "unspecified hour", new CosemData.Structure(clock, unspecifiedHour, to, none), DataAccessResult.OtherReason },
            { "year not specified", new CosemData.Structure(clock, CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), to, none), DataAccessResult.OtherReason },
            { "unknown selected value", new CosemData.Structure(clock, from, to, new CosemData.Array(new CaptureObjectDefinition(1, new ObisCode(0, 0, 96, 1, 0, 255), 2, 0).ToData())), DataAccessResult.ObjectUnavailable },
            { "more selected values than columns", new CosemData.Structure(clock, from, to, new CosemData.Array(clock, clock, clock, clock)), DataAccessResult.OtherReason },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedRanges))]
    public void Get_MalformedRange_Refused(string because, CosemData parameters, DataAccessResult expected)
    {
        var profile = Filled(3);
        var result = profile.Get(Contexts.Public, 2, new SelectiveAccessDescriptor(1, parameters));
        Assert.True(expected == result.Result, because);
        Assert.Null(result.Data);
    }

    [Fact]
    public void Get_EntryDescriptor_ReturnsEntriesAndColumns()
    {
        var profile = Filled(6);
        Assert.Equal(new CosemData.Array(Entry(2), Entry(3)), Buffer(profile, new EntryDescriptor(2, 3).ToSelectiveAccessDescriptor()));
        Assert.Equal(
            new CosemData.Array(new CosemData.Structure(new CosemData.LongUnsigned(235), new CosemData.DoubleLongUnsigned(500))),
            Buffer(profile, new EntryDescriptor(5, 5, 2, 3).ToSelectiveAccessDescriptor()));
    }

    [Fact]
    public void Get_EntryDescriptorToZero_UpToTheLastEntryAndColumn()
    {
        var profile = Filled(6, capacity: 4);
        Assert.Equal(new CosemData.Array(Entry(5), Entry(6)), Buffer(profile, new EntryDescriptor(3, 0, 1, 0).ToSelectiveAccessDescriptor()));
        Assert.Equal(
            new CosemData.Array(new CosemData.Structure(new CosemData.DoubleLongUnsigned(600))),
            Buffer(profile, new EntryDescriptor(4, 0, 3, 0).ToSelectiveAccessDescriptor()));
    }

    [Fact]
    public void Get_EntryDescriptorBeyondEntriesInUse_CutOrEmpty()
    {
        var profile = Filled(3);
        Assert.Equal(new CosemData.Array(Entry(2), Entry(3)), Buffer(profile, new EntryDescriptor(2, 100).ToSelectiveAccessDescriptor()));
        Assert.Empty(Buffer(profile, new EntryDescriptor(4, 10).ToSelectiveAccessDescriptor()).Items);
        Assert.Empty(Buffer(Profile(), new EntryDescriptor(1, 0).ToSelectiveAccessDescriptor()).Items);
    }

    public static TheoryData<string, CosemData, DataAccessResult> MalformedEntries() => new()
    {
        { "not a structure", new CosemData.DoubleLongUnsigned(1), DataAccessResult.TypeUnmatched },
        { "wrong member type", new CosemData.Structure(new CosemData.LongUnsigned(1), new CosemData.DoubleLongUnsigned(2), new CosemData.LongUnsigned(1), new CosemData.LongUnsigned(0)), DataAccessResult.TypeUnmatched },
        { "from_entry 0", new EntryDescriptor(0, 2, 1, 0).ToData(), DataAccessResult.OtherReason },
        { "from after to", new EntryDescriptor(3, 2, 1, 0).ToData(), DataAccessResult.OtherReason },
        { "from_selected_value 0", new EntryDescriptor(1, 2, 0, 0).ToData(), DataAccessResult.OtherReason },
        { "selected value beyond columns", new EntryDescriptor(1, 2, 1, 4).ToData(), DataAccessResult.OtherReason },
        { "from value beyond columns", new EntryDescriptor(1, 2, 4, 0).ToData(), DataAccessResult.OtherReason },
        { "from value after to value", new EntryDescriptor(1, 2, 3, 2).ToData(), DataAccessResult.OtherReason },
    };

    [Theory]
    [MemberData(nameof(MalformedEntries))]
    public void Get_MalformedEntryDescriptor_Refused(string because, CosemData parameters, DataAccessResult expected)
    {
        var profile = Filled(3);
        var result = profile.Get(Contexts.Public, 2, new SelectiveAccessDescriptor(2, parameters));
        Assert.True(expected == result.Result, because);
    }

    [Fact]
    public void Get_OtherSelectorOrAttribute_ObjectUnavailable()
    {
        var profile = Filled(3);
        Assert.Equal(DataAccessResult.ObjectUnavailable, profile.Get(Contexts.Public, 2, new SelectiveAccessDescriptor(3, new EntryDescriptor(1).ToData())).Result);
        Assert.Equal(DataAccessResult.ObjectUnavailable, profile.Get(Contexts.Public, 3, new EntryDescriptor(1).ToSelectiveAccessDescriptor()).Result);
    }

    [Fact]
    public void Invoke_Reset_EmptiesTheBuffer()
    {
        var profile = Filled(3);
        Assert.Equal(ActionResult.TypeUnmatched, profile.Invoke(Contexts.Utility, 1, null).Result);
        Assert.Equal(3, profile.EntriesInUse);
        Assert.Equal(ActionResult.Success, profile.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
        Assert.Equal(0, profile.EntriesInUse);
        Assert.Empty(Buffer(profile).Items);
        profile.Append(Row(9));
        Assert.Equal(new CosemData.Array(Entry(9)), Buffer(profile));
    }

    [Fact]
    public void Invoke_Capture_AppendsFromTheCallback()
    {
        var n = 0;
        var profile = Profile(captureNow: () => Row(++n));
        Assert.Equal(ActionResult.OtherReason, profile.Invoke(Contexts.Utility, 2, new CosemData.Integer(5)).Result);
        Assert.Equal(ActionResult.Success, profile.Invoke(Contexts.Utility, 2, new CosemData.Integer(0)).Result);
        Assert.Equal(ActionResult.Success, profile.Invoke(Contexts.Utility, 2, new CosemData.Integer(0)).Result);
        Assert.Equal(new CosemData.Array(Entry(1), Entry(2)), Buffer(profile));
    }

    [Fact]
    public void Invoke_CaptureWithoutCallback_ReadWriteDenied()
    {
        var profile = Profile();
        Assert.Equal(ActionResult.ReadWriteDenied, profile.Invoke(Contexts.Utility, 2, new CosemData.Integer(0)).Result);
        Assert.Equal(0, profile.EntriesInUse);
    }

    [Fact]
    public void Get_CaptureOnRead_CapturesBeforeEachBufferRead()
    {
        var n = 0;
        var profile = Profile(capacity: 1, captureNow: () => Row(++n), captureOnRead: true);
        Assert.Equal(new CosemData.Array(Entry(1)), Buffer(profile));
        Assert.Equal(new CosemData.Array(Entry(2)), Buffer(profile));
        Assert.Equal(new CosemData.DoubleLongUnsigned(1), profile.Get(Contexts.Public, 7, null).Data);
        Assert.Equal(2, n);
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        var clock = Clock();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileGenericObject(BlockLoad, Columns, 0, clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileGenericObject(BlockLoad, [], 1, clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProfileGenericObject(BlockLoad, Columns, 1, clock, TimeSpan.FromMilliseconds(1500)));
        Assert.Throws<ArgumentException>(() => new ProfileGenericObject(BlockLoad, [Columns[0], Columns[0]], 1, clock, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new ProfileGenericObject(BlockLoad, Columns, 1, clock, TimeSpan.Zero, captureOnRead: true));
    }

    [Fact]
    public void Memory_ThirtyDaysOfQuarterHours_StayUnder200Kilobytes()
    {
        var columns = Enumerable.Range(0, 6)
            .Select(i => new ProfileColumn(i == 0 ? CaptureObjectDefinition.Clock : new CaptureObjectDefinition(3, new ObisCode(1, 0, (byte)i, 29, 0, 255), 2, 0), i == 0 ? ProfileColumnType.DateTime : ProfileColumnType.DoubleLongUnsigned))
            .ToArray();
        var clock = Clock();
        var row = new long[6];

        var before = GC.GetAllocatedBytesForCurrentThread();
        var profile = new ProfileGenericObject(BlockLoad, columns, 3_000, clock, TimeSpan.FromMinutes(15));
        for (var n = 0; n < 3_500; n++)
        {
            row[0] = Start.AddMinutes(15 * n).UtcTicks;
            for (var c = 1; c < 6; c++)
            {
                row[c] = n * c;
            }

            profile.Append(row);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3_000, profile.EntriesInUse);
        Assert.InRange(allocated, 3_000 * 6 * sizeof(long), 200 * 1024);
    }
}
