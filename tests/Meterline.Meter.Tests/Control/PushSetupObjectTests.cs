using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Control;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Control;

public sealed class PushSetupObjectTests
{
    private static readonly ObisCode Ln = new(0, 0, 25, 9, 0, 255);
    private static readonly TimeSpan Ist = new(5, 30, 0);

    // 2026-01-05 is a Monday; 00:00 UTC is 05:30 IST.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));
    private readonly MeterClock _clock;
    private int _pushes;
    private bool _pushWorks = true;

    public PushSetupObjectTests()
    {
        _clock = new MeterClock(_time, Ist);
    }

    [Fact]
    public void Get_EveryAttribute_ReturnsConfiguredValues()
    {
        var settings = new PushSetupSettings(
            [CaptureObjectDefinition.Clock, new CaptureObjectDefinition(3, new ObisCode(1, 0, 1, 8, 0, 255), 2, 0)],
            new PushDestination(PushTransportService.Udp, "10.0.0.1:4059"u8.ToArray(), PushMessageType.AxdrApdu),
            [new CommunicationWindow(Pattern(hour: 22), Pattern(hour: 4))],
            30,
            3,
            60);
        var push = Create(settings);

        Assert.Equal(new CosemData.OctetString(Ln.ToArray()), Get(push, 1));
        Assert.Equal(new CosemData.Array(CaptureObjectDefinition.Clock.ToData(), settings.ObjectList[1].ToData()), Get(push, 2));
        Assert.Equal(
            new CosemData.Structure(new CosemData.Enum(1), new CosemData.OctetString("10.0.0.1:4059"u8.ToArray()), new CosemData.Enum(0)),
            Get(push, 3));
        Assert.Equal(
            new CosemData.Array(new CosemData.Structure(CosemData.OctetString.FromDateTime(Pattern(hour: 22)), CosemData.OctetString.FromDateTime(Pattern(hour: 4)))),
            Get(push, 4));
        Assert.Equal(new CosemData.LongUnsigned(30), Get(push, 5));
        Assert.Equal(new CosemData.Unsigned(3), Get(push, 6));
        Assert.Equal(new CosemData.LongUnsigned(60), Get(push, 7));
        Assert.Equal((40, 0), (push.ClassId, push.Version));
    }

    [Fact]
    public void Set_EveryAttribute_UpdatesSettings()
    {
        var push = Create();
        var list = new CosemData.Array(CaptureObjectDefinition.Clock.ToData());
        var destination = new CosemData.Structure(new CosemData.Enum(0), new CosemData.OctetString("hes:4059"u8.ToArray()), new CosemData.Enum(0));
        var windows = new CosemData.Array(new CosemData.Structure(
            CosemData.OctetString.FromDateTime(Pattern(hour: 1)), CosemData.OctetString.FromDateTime(Pattern(hour: 2))));

        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 2, null, list));
        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 3, null, destination));
        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 4, null, windows));
        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 5, null, new CosemData.LongUnsigned(120)));
        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 6, null, new CosemData.Unsigned(5)));
        Assert.Equal(DataAccessResult.Success, push.Set(TestAssociations.Utility, 7, null, new CosemData.LongUnsigned(90)));

        Assert.Equal(new[] { CaptureObjectDefinition.Clock }, push.Settings.ObjectList.ToArray());
        Assert.True("hes:4059"u8.SequenceEqual(push.Settings.Destination.Destination.Span));
        Assert.Equal(PushTransportService.Tcp, push.Settings.Destination.TransportService);
        Assert.Single(push.Settings.Windows);
        Assert.Equal(120, push.Settings.RandomisationStartInterval);
        Assert.Equal(5, push.Settings.NumberOfRetries);
        Assert.Equal(90, push.Settings.RepetitionDelay);
        Assert.Equal(list, Get(push, 2));
        Assert.Equal(destination, Get(push, 3));
        Assert.Equal(windows, Get(push, 4));
    }

    public static TheoryData<sbyte, CosemData, DataAccessResult> BadWrites() => new()
    {
        { 1, new CosemData.OctetString(new byte[6]), DataAccessResult.ReadWriteDenied },
        { 2, new CosemData.Structure(), DataAccessResult.TypeUnmatched },
        { 2, new CosemData.Array(new CosemData.Unsigned(1)), DataAccessResult.TypeUnmatched },
        { 2, new CosemData.Array(Enumerable.Repeat(CaptureObjectDefinition.Clock.ToData(), 33).ToArray()), DataAccessResult.OtherReason },
        { 2, new CosemData.Array(new CaptureObjectDefinition(8, ObisCode.Clock, 0, 0).ToData()), DataAccessResult.OtherReason },
        { 3, new CosemData.Array(), DataAccessResult.TypeUnmatched },
        { 3, new CosemData.Structure(new CosemData.Enum(0), new CosemData.OctetString(new byte[1])), DataAccessResult.TypeUnmatched },
        { 3, new CosemData.Structure(new CosemData.Enum(9), new CosemData.OctetString(new byte[1]), new CosemData.Enum(0)), DataAccessResult.OtherReason },
        { 3, new CosemData.Structure(new CosemData.Enum(0), new CosemData.OctetString(new byte[1]), new CosemData.Enum(2)), DataAccessResult.OtherReason },
        { 3, new CosemData.Structure(new CosemData.Enum(0), new CosemData.OctetString(new byte[129]), new CosemData.Enum(0)), DataAccessResult.OtherReason },
        { 4, new CosemData.Structure(), DataAccessResult.TypeUnmatched },
        { 4, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[12]))), DataAccessResult.TypeUnmatched },
        { 4, new CosemData.Array(new CosemData.Structure(new CosemData.OctetString(new byte[11]), new CosemData.OctetString(new byte[12]))), DataAccessResult.OtherReason },
        { 4, Windows(Pattern(hour: 25), Pattern(hour: 1)), DataAccessResult.OtherReason },
        { 4, Windows(Fixed(2026, 1, 2), Fixed(2026, 1, 1)), DataAccessResult.OtherReason },
        { 4, new CosemData.Array(Enumerable.Repeat((CosemData)((CosemData.Array)Windows(Pattern(hour: 1), Pattern(hour: 2))).Items[0], 9).ToArray()), DataAccessResult.OtherReason },
        { 5, new CosemData.Unsigned(1), DataAccessResult.TypeUnmatched },
        { 6, new CosemData.LongUnsigned(1), DataAccessResult.TypeUnmatched },
        { 7, new CosemData.DoubleLongUnsigned(1), DataAccessResult.TypeUnmatched },
    };

    [Theory]
    [MemberData(nameof(BadWrites))]
    public void Set_BadValue_RefusedAndNothingChanges(sbyte attribute, CosemData value, DataAccessResult expected)
    {
        var push = Create();
        var before = push.Settings;
        Assert.Equal(expected, push.Set(TestAssociations.Utility, attribute, null, value));
        Assert.Same(before, push.Settings);
    }

    [Fact]
    public void Push_CallbackSucceeds_Success()
    {
        var push = Create();
        Assert.Equal(ActionResult.Success, push.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(0)).Result);
        Assert.Equal(1, _pushes);
    }

    [Fact]
    public void Push_CallbackFails_TemporaryFailure()
    {
        _pushWorks = false;
        var push = Create();
        Assert.Equal(ActionResult.TemporaryFailure, push.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(0)).Result);
    }

    [Fact]
    public void Push_BadParameter_RefusedWithoutPushing()
    {
        var push = Create();
        Assert.Equal(ActionResult.TypeUnmatched, push.Invoke(TestAssociations.Utility, 1, new CosemData.Unsigned(0)).Result);
        Assert.Equal(ActionResult.OtherReason, push.Invoke(TestAssociations.Utility, 1, new CosemData.Integer(2)).Result);
        Assert.Equal(0, _pushes);
    }

    [Fact]
    public void IsInCommunicationWindow_NoWindows_True()
    {
        Assert.True(Create().IsInCommunicationWindow());
    }

    [Theory]
    [InlineData(5, 30, true)] // 05:30 local inside 05:00–06:00
    [InlineData(6, 0, true)] // end inclusive
    [InlineData(6, 1, false)]
    [InlineData(4, 59, false)]
    public void IsInCommunicationWindow_DailyWindow_ByLocalTime(int hour, int minute, bool expected)
    {
        var push = Create(PushSetupSettings.Empty with { Windows = [new CommunicationWindow(Pattern(hour: 5), Pattern(hour: 6))] });
        _clock.Set(new DateTimeOffset(2026, 1, 5, hour, minute, 0, Ist));
        Assert.Equal(expected, push.IsInCommunicationWindow());
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(2, true)]
    [InlineData(12, false)]
    public void IsInCommunicationWindow_NightlyWindowAcrossMidnight_Wraps(int hour, bool expected)
    {
        var push = Create(PushSetupSettings.Empty with { Windows = [new CommunicationWindow(Pattern(hour: 22), Pattern(hour: 4))] });
        _clock.Set(new DateTimeOffset(2026, 1, 5, hour, 0, 0, Ist));
        Assert.Equal(expected, push.IsInCommunicationWindow());
    }

    [Fact]
    public void IsInCommunicationWindow_FixedDates_OnlyThatSpan()
    {
        var push = Create(PushSetupSettings.Empty with { Windows = [new CommunicationWindow(Fixed(2026, 1, 5), Fixed(2026, 1, 6))] });
        Assert.True(push.IsInCommunicationWindow());
        _clock.Set(new DateTimeOffset(2026, 1, 6, 0, 0, 1, Ist));
        Assert.False(push.IsInCommunicationWindow());
    }

    [Fact]
    public void IsInCommunicationWindow_WeekdaysOnly_FalseOnSunday()
    {
        var start = Pattern(hour: 0) with { Date = new CosemDate(CosemDate.YearNotSpecified, 0xFF, 0xFF, 1) };
        var end = Pattern(hour: 23) with { Date = new CosemDate(CosemDate.YearNotSpecified, 0xFF, 0xFF, 5) };
        var push = Create(PushSetupSettings.Empty with { Windows = [new CommunicationWindow(start, end)] });
        Assert.True(push.IsInCommunicationWindow()); // Monday
        _clock.Set(new DateTimeOffset(2026, 1, 11, 12, 0, 0, Ist)); // Sunday
        Assert.False(push.IsInCommunicationWindow());
    }

    [Fact]
    public void IsInCommunicationWindow_SecondWindowMatches_True()
    {
        var push = Create(PushSetupSettings.Empty with
        {
            Windows = [new CommunicationWindow(Pattern(hour: 1), Pattern(hour: 2)), new CommunicationWindow(Pattern(hour: 5), Pattern(hour: 6))],
        });
        Assert.True(push.IsInCommunicationWindow());
    }

    [Fact]
    public void RetryDelay_AnyAttempt_RepetitionDelayWithoutBackOff()
    {
        var push = Create(PushSetupSettings.Empty with { RepetitionDelay = 45, NumberOfRetries = 3 });
        Assert.Equal(TimeSpan.FromSeconds(45), push.RetryDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(45), push.RetryDelay(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => push.RetryDelay(0));
    }

    [Fact]
    public void BuildNotificationBody_UnreadableObject_NullData()
    {
        var energy = new CaptureObjectDefinition(3, new ObisCode(1, 0, 1, 8, 0, 255), 2, 0);
        var push = Create(PushSetupSettings.Empty with { ObjectList = [CaptureObjectDefinition.Clock, energy] });

        var body = push.BuildNotificationBody(d => d == energy ? new CosemData.DoubleLongUnsigned(1234) : null);

        Assert.Equal(new CosemData.Structure(CosemData.NullData.Instance, new CosemData.DoubleLongUnsigned(1234)), body);
    }

    [Fact]
    public void Ctor_TooManyObjects_Throws()
    {
        var tooMany = PushSetupSettings.Empty with { ObjectList = Enumerable.Repeat(CaptureObjectDefinition.Clock, 33).ToImmutableArray() };
        Assert.Throws<ArgumentException>(() => Create(tooMany));
    }

    private PushSetupObject Create(PushSetupSettings? settings = null) =>
        new(Ln, _clock, () =>
        {
            _pushes++;
            return _pushWorks;
        }, settings);

    private static CosemData? Get(PushSetupObject push, sbyte attribute) => push.Get(TestAssociations.Utility, attribute, null).Data;

    private static CosemDateTime Pattern(byte hour) => new(
        new CosemDate(CosemDate.YearNotSpecified, CosemDate.NotSpecified, CosemDate.NotSpecified, CosemDate.NotSpecified),
        new CosemTime(hour, 0, 0, 0),
        CosemDateTime.DeviationNotSpecified,
        ClockStatus.NotSpecified);

    private static CosemDateTime Fixed(int year, int month, int day) =>
        CosemDateTime.FromDateTimeOffset(new DateTimeOffset(year, month, day, 0, 0, 0, Ist));

    private static CosemData Windows(CosemDateTime start, CosemDateTime end) =>
        new CosemData.Array(new CosemData.Structure(CosemData.OctetString.FromDateTime(start), CosemData.OctetString.FromDateTime(end)));
}
