using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Control;
using Meterline.Meter.Time;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Meter.Tests.Control;

public sealed class LimiterObjectTests
{
    private static readonly ObisCode Ln = new(0, 0, 17, 0, 0, 255);
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingEventRecorder _events = new();
    private readonly List<string> _actions = [];
    private readonly LimiterObject _limiter;

    public LimiterObjectTests()
    {
        _limiter = new LimiterObject(Ln, new MeterClock(_time, Ist), _events, () => _actions.Add("over"), () => _actions.Add("under"));
    }

    [Fact]
    public void Get_Defaults_EveryAttribute()
    {
        Assert.Equal(new CosemData.OctetString(Ln.ToArray()), Get(1));
        Assert.Equal(new CosemData.Structure(new CosemData.LongUnsigned(3), new CosemData.OctetString(new byte[] { 1, 0, 1, 7, 0, 255 }), new CosemData.Integer(2)), Get(2));
        foreach (sbyte attribute in new sbyte[] { 3, 4, 5, 6, 7 })
        {
            Assert.Equal(new CosemData.DoubleLongUnsigned(0), Get(attribute));
        }

        Assert.Equal(new CosemData.Structure(new CosemData.LongUnsigned(0), CosemData.OctetString.FromDateTime(CosemDateTime.Unspecified), new CosemData.DoubleLongUnsigned(0)), Get(8));
        Assert.Equal(new CosemData.Array(), Get(9));
        Assert.Equal(new CosemData.Boolean(false), Get(10));
        var script = new CosemData.OctetString(new byte[] { 0, 0, 10, 0, 106, 255 });
        Assert.Equal(
            new CosemData.Structure(new CosemData.Structure(script, new CosemData.LongUnsigned(1)), new CosemData.Structure(script, new CosemData.LongUnsigned(2))),
            Get(11));
        Assert.Equal((71, 0), (_limiter.ClassId, _limiter.Version));
    }

    [Fact]
    public void Set_EveryWritableAttribute_ReadsBack()
    {
        var monitored = new CosemData.Structure(new CosemData.LongUnsigned(3), new CosemData.OctetString(new byte[] { 1, 0, 9, 7, 0, 255 }), new CosemData.Integer(2));
        var profile = EmergencyData(7, Start.ToOffset(Ist), 3600);
        var groups = new CosemData.Array(new CosemData.LongUnsigned(7), new CosemData.LongUnsigned(9));
        var script = new CosemData.OctetString(new byte[] { 0, 0, 10, 0, 106, 255 });
        var actions = new CosemData.Structure(new CosemData.Structure(script, new CosemData.LongUnsigned(5)), new CosemData.Structure(script, new CosemData.LongUnsigned(6)));
        var writes = new (sbyte, CosemData)[]
        {
            (2, monitored), (3, new CosemData.DoubleLongUnsigned(1000)), (4, new CosemData.DoubleLongUnsigned(5000)),
            (5, new CosemData.DoubleLongUnsigned(2000)), (6, new CosemData.DoubleLongUnsigned(60)), (7, new CosemData.DoubleLongUnsigned(120)),
            (8, profile), (9, groups), (11, actions),
        };
        foreach (var (attribute, value) in writes)
        {
            Assert.Equal(DataAccessResult.Success, Set(attribute, value));
        }

        Assert.Equal(monitored, Get(2));
        Assert.Equal(new CosemData.DoubleLongUnsigned(5000), Get(4));
        Assert.Equal(new CosemData.DoubleLongUnsigned(2000), Get(5));
        Assert.Equal(new CosemData.DoubleLongUnsigned(60), Get(6));
        Assert.Equal(new CosemData.DoubleLongUnsigned(120), Get(7));
        Assert.Equal(profile, Get(8));
        Assert.Equal(groups, Get(9));
        Assert.Equal(new CosemData.Boolean(true), Get(10)); // profile 7 active now, 7 in the group list
        Assert.Equal(new CosemData.DoubleLongUnsigned(2000), Get(3)); // threshold_emergency in force
        Assert.Equal(actions, Get(11));
        Assert.Equal(new ValueDefinition(3, new ObisCode(1, 0, 9, 7, 0, 255), 2), _limiter.MonitoredValue);
    }

    public static TheoryData<sbyte, CosemData, DataAccessResult> BadWrites() => new()
    {
        { 2, new CosemData.Structure(new CosemData.LongUnsigned(3), new CosemData.OctetString(new byte[6])), DataAccessResult.TypeUnmatched },
        { 2, new CosemData.Structure(new CosemData.LongUnsigned(3), new CosemData.OctetString(new byte[5]), new CosemData.Integer(2)), DataAccessResult.OtherReason },
        { 2, new CosemData.Structure(new CosemData.LongUnsigned(3), new CosemData.OctetString(new byte[6]), new CosemData.Integer(0)), DataAccessResult.OtherReason },
        { 3, new CosemData.LongUnsigned(1), DataAccessResult.TypeUnmatched },
        { 4, new CosemData.DoubleLong(1), DataAccessResult.TypeUnmatched },
        { 5, new CosemData.Unsigned(1), DataAccessResult.TypeUnmatched },
        { 6, new CosemData.LongUnsigned(1), DataAccessResult.TypeUnmatched },
        { 7, new CosemData.LongUnsigned(1), DataAccessResult.TypeUnmatched },
        { 8, new CosemData.Structure(new CosemData.LongUnsigned(1)), DataAccessResult.TypeUnmatched },
        { 8, new CosemData.Structure(new CosemData.LongUnsigned(1), new CosemData.OctetString(new byte[11]), new CosemData.DoubleLongUnsigned(1)), DataAccessResult.OtherReason },
        { 8, PartialWildcardProfile(), DataAccessResult.OtherReason },
        { 9, new CosemData.Array(new CosemData.Unsigned(1)), DataAccessResult.TypeUnmatched },
        { 9, new CosemData.Array(Enumerable.Range(0, 17).Select(i => (CosemData)new CosemData.LongUnsigned((ushort)i)).ToArray()), DataAccessResult.OtherReason },
        { 9, new CosemData.LongUnsigned(1), DataAccessResult.TypeUnmatched },
        { 10, new CosemData.Boolean(true), DataAccessResult.ReadWriteDenied },
        { 11, new CosemData.Structure(new CosemData.Structure(new CosemData.OctetString(new byte[6]), new CosemData.LongUnsigned(1))), DataAccessResult.TypeUnmatched },
        { 11, new CosemData.Structure(new CosemData.Structure(new CosemData.OctetString(new byte[5]), new CosemData.LongUnsigned(1)), new CosemData.Structure(new CosemData.OctetString(new byte[6]), new CosemData.LongUnsigned(1))), DataAccessResult.TypeUnmatched },
    };

    [Theory]
    [MemberData(nameof(BadWrites))]
    public void Set_BadValue_RefusedWithoutChangeOrEvent(sbyte attribute, CosemData value, DataAccessResult expected)
    {
        var before = _limiter.Get(TestAssociations.Utility, attribute, null).Data;
        Assert.Equal(expected, Set(attribute, value));
        Assert.Equal(before, _limiter.Get(TestAssociations.Utility, attribute, null).Data);
        Assert.Empty(_events.Codes);
    }

    [Fact]
    public void Set_ThresholdFromZero_Records158And159()
    {
        Assert.Equal(DataAccessResult.Success, Set(4, new CosemData.DoubleLongUnsigned(3000)));
        Assert.Equal(new ushort[] { 158, 159 }, _events.Codes);
        Assert.Equal(3000u, _limiter.ThresholdActive);
    }

    [Fact]
    public void Set_ThresholdChanged_Records158Only()
    {
        Set(4, new CosemData.DoubleLongUnsigned(3000));
        _events.Codes.Clear();
        Set(4, new CosemData.DoubleLongUnsigned(4000));
        Assert.Equal(new ushort[] { 158 }, _events.Codes);
    }

    [Fact]
    public void Set_ThresholdToZero_Records158And160()
    {
        Set(4, new CosemData.DoubleLongUnsigned(3000));
        _events.Codes.Clear();
        Set(4, new CosemData.DoubleLongUnsigned(0));
        Assert.Equal(new ushort[] { 158, 160 }, _events.Codes);
        Assert.Equal(0u, _limiter.ThresholdActive);
    }

    [Fact]
    public void Evaluate_OverForMinDuration_OverActionOnce()
    {
        Configure(threshold: 3000, minOver: 60, minUnder: 30);

        _limiter.Evaluate(3500);
        _time.Advance(TimeSpan.FromSeconds(59));
        _limiter.Evaluate(3500);
        Assert.Empty(_actions);

        _time.Advance(TimeSpan.FromSeconds(1));
        _limiter.Evaluate(3500);
        Assert.Equal(["over"], _actions);
        Assert.True(_limiter.IsOverThreshold);

        _time.Advance(TimeSpan.FromMinutes(10));
        _limiter.Evaluate(3500);
        Assert.Equal(["over"], _actions);
    }

    [Fact]
    public void Evaluate_DipBelowBeforeMinOver_RestartsTiming()
    {
        Configure(threshold: 3000, minOver: 60, minUnder: 30);
        _limiter.Evaluate(3500);
        _time.Advance(TimeSpan.FromSeconds(50));
        _limiter.Evaluate(3000); // equal is not over
        _time.Advance(TimeSpan.FromSeconds(20));
        _limiter.Evaluate(3500);
        _time.Advance(TimeSpan.FromSeconds(50));
        _limiter.Evaluate(3500);
        Assert.Empty(_actions);
    }

    [Fact]
    public void Evaluate_UnderForMinDurationAfterOver_UnderActionOnce()
    {
        Configure(threshold: 3000, minOver: 0, minUnder: 30);
        _limiter.Evaluate(3001);
        Assert.Equal(["over"], _actions);

        _limiter.Evaluate(100);
        _time.Advance(TimeSpan.FromSeconds(29));
        _limiter.Evaluate(100);
        Assert.Equal(["over"], _actions);
        _time.Advance(TimeSpan.FromSeconds(1));
        _limiter.Evaluate(100);
        Assert.Equal(["over", "under"], _actions);
        Assert.False(_limiter.IsOverThreshold);
        _time.Advance(TimeSpan.FromSeconds(60));
        _limiter.Evaluate(100);
        Assert.Equal(["over", "under"], _actions);
    }

    [Fact]
    public void Evaluate_Disabled_NoAction()
    {
        Configure(threshold: 0, minOver: 0, minUnder: 0);
        _limiter.Evaluate(long.MaxValue);
        Assert.Empty(_actions);
    }

    [Fact]
    public void Evaluate_ClockSetBackwards_DurationsUseTrueTime()
    {
        var clock = new MeterClock(_time, Ist);
        var limiter = new LimiterObject(Ln, clock, _events, () => _actions.Add("over"), () => _actions.Add("under"));
        limiter.Set(TestAssociations.Utility, 4, null, new CosemData.DoubleLongUnsigned(1000));
        limiter.Set(TestAssociations.Utility, 6, null, new CosemData.DoubleLongUnsigned(60));
        limiter.Evaluate(2000);
        clock.Shift(TimeSpan.FromHours(-1));
        _time.Advance(TimeSpan.FromSeconds(60));
        limiter.Evaluate(2000);
        Assert.Equal(["over"], _actions);
    }

    [Fact]
    public void Evaluate_EmergencyProfileInGroup_UsesEmergencyThresholdThenNormal()
    {
        Configure(threshold: 5000, minOver: 0, minUnder: 0);
        Set(5, new CosemData.DoubleLongUnsigned(2000));
        Set(8, EmergencyData(42, Start.AddHours(1).ToOffset(Ist), 1800));
        Set(9, new CosemData.Array(new CosemData.LongUnsigned(42)));

        _limiter.Evaluate(3000);
        Assert.Empty(_actions);
        Assert.False(_limiter.EmergencyProfileActive);

        _time.Advance(TimeSpan.FromHours(1));
        _limiter.Evaluate(3000);
        Assert.True(_limiter.EmergencyProfileActive);
        Assert.Equal(2000u, _limiter.ThresholdActive);
        Assert.Equal(["over"], _actions);

        _time.Advance(TimeSpan.FromMinutes(30));
        _limiter.Evaluate(3000);
        Assert.False(_limiter.EmergencyProfileActive);
        Assert.Equal(5000u, _limiter.ThresholdActive);
        Assert.Equal(["over", "under"], _actions);
    }

    [Fact]
    public void Evaluate_EmergencyProfileNotInGroup_StaysNormal()
    {
        Configure(threshold: 5000, minOver: 0, minUnder: 0);
        Set(5, new CosemData.DoubleLongUnsigned(2000));
        Set(8, EmergencyData(42, Start.ToOffset(Ist), 1800));
        Set(9, new CosemData.Array(new CosemData.LongUnsigned(41)));
        _limiter.Evaluate(3000);
        Assert.False(_limiter.EmergencyProfileActive);
        Assert.Empty(_actions);
    }

    [Fact]
    public void Set_ThresholdActive_HoldsUntilEmergencyChanges()
    {
        Configure(threshold: 5000, minOver: 0, minUnder: 0);
        Set(3, new CosemData.DoubleLongUnsigned(1500));
        _limiter.Evaluate(2000);
        Assert.Equal(1500u, _limiter.ThresholdActive);
        Assert.Equal(["over"], _actions);
    }

    private void Configure(uint threshold, uint minOver, uint minUnder)
    {
        Set(4, new CosemData.DoubleLongUnsigned(threshold));
        Set(6, new CosemData.DoubleLongUnsigned(minOver));
        Set(7, new CosemData.DoubleLongUnsigned(minUnder));
        _events.Codes.Clear();
    }

    private CosemData? Get(sbyte attribute) => _limiter.Get(TestAssociations.Utility, attribute, null).Data;

    private DataAccessResult Set(sbyte attribute, CosemData value) => _limiter.Set(TestAssociations.Utility, attribute, null, value);

    private static CosemData EmergencyData(ushort id, DateTimeOffset activation, uint seconds) => new CosemData.Structure(
        new CosemData.LongUnsigned(id),
        CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(activation)),
        new CosemData.DoubleLongUnsigned(seconds));

    private static CosemData PartialWildcardProfile()
    {
        var activation = CosemDateTime.FromDateTimeOffset(Start) with { Time = new CosemTime(CosemTime.NotSpecified, 0, 0, 0) };
        return new CosemData.Structure(new CosemData.LongUnsigned(1), CosemData.OctetString.FromDateTime(activation), new CosemData.DoubleLongUnsigned(1));
    }
}
