using Meterline.Dlms.Acse;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;

namespace Meterline.Dlms.Tests.Profiles;

/// <summary>The shipped IS 15959 profile (profiles/is15959-single-phase.json) and the loader's validation.</summary>
public class MeterProfileTests
{
    private static readonly MeterProfile Profile = MeterProfile.Load(Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json"));

    public static TheoryData<string, ushort> ReferenceObjects => new()
    {
        // Every object of shared/reference/meter-profile.md, with its interface class.
        { "0.0.1.0.0.255", 8 }, { "0.0.42.0.0.255", 1 }, { "0.0.96.1.0.255", 1 }, { "0.0.96.1.1.255", 1 }, { "0.0.96.1.2.255", 1 },
        { "1.0.12.7.0.255", 3 }, { "1.0.11.7.0.255", 3 }, { "1.0.91.7.0.255", 3 }, { "1.0.13.7.0.255", 3 }, { "1.0.14.7.0.255", 3 },
        { "1.0.9.7.0.255", 3 }, { "1.0.1.7.0.255", 3 }, { "1.0.1.8.0.255", 3 }, { "1.0.2.8.0.255", 3 }, { "1.0.9.8.0.255", 3 },
        { "1.0.1.6.0.255", 4 }, { "1.0.1.8.1.255", 3 }, { "1.0.1.8.8.255", 3 },
        { "0.0.94.91.0.255", 1 }, { "0.0.96.7.0.255", 1 }, { "0.0.0.1.0.255", 1 },
        { "1.0.94.91.0.255", 7 }, { "1.0.99.1.0.255", 7 }, { "1.0.99.2.0.255", 7 }, { "1.0.98.1.0.255", 7 }, { "0.0.94.91.10.255", 7 },
        { "0.0.96.11.0.255", 1 }, { "0.0.96.11.6.255", 1 }, { "0.0.99.98.0.255", 7 }, { "0.0.99.98.6.255", 7 },
        { "0.0.96.3.10.255", 70 }, { "0.0.17.0.0.255", 71 }, { "0.0.13.0.0.255", 20 }, { "0.0.25.9.0.255", 40 }, { "0.4.25.9.0.255", 40 },
        { "0.0.40.0.1.255", 15 }, { "0.0.40.0.2.255", 15 }, { "0.0.40.0.3.255", 15 }, { "0.0.40.0.4.255", 15 },
        { "0.0.43.0.3.255", 64 }, { "0.0.43.1.3.255", 1 },
    };

    [Theory]
    [MemberData(nameof(ReferenceObjects))]
    public void Load_ShippedProfile_HasEveryReferenceObjectWithItsClass(string logicalName, ushort classId)
    {
        var entry = Profile.Find(ObisCode.Parse(logicalName));
        Assert.NotNull(entry);
        Assert.Equal(classId, entry.ClassId);
    }

    [Fact]
    public void Load_ShippedProfile_AssociationsMatchIs15959()
    {
        Assert.Equal(DeviationConvention.LocalMinusUtc, Profile.Deviation);
        Assert.Equal(AuthenticationMechanism.Lowest, Profile.FindAssociation(16)!.Mechanism);
        Assert.Equal(AuthenticationMechanism.Low, Profile.FindAssociation(32)!.Mechanism);
        var utility = Profile.FindAssociation(48)!;
        Assert.Equal(AuthenticationMechanism.HighGmac, utility.Mechanism);
        Assert.True(utility.Ciphered);
        Assert.Null(Profile.FindAssociation(99));
    }

    [Fact]
    public void Access_PublicClient_ReadsClockNameAndCountersOnly()
    {
        var visible = Profile.ObjectListOf("public").Select(o => o.LogicalName.ToString()).ToHashSet();
        Assert.Contains("0.0.1.0.0.255", visible);
        Assert.Contains("0.0.42.0.0.255", visible);
        Assert.Contains("0.0.43.1.3.255", visible);
        Assert.DoesNotContain("1.0.1.8.0.255", visible);
        Assert.DoesNotContain("0.0.96.3.10.255", visible);
        Assert.All(Profile.ObjectListOf("public"), o => Assert.DoesNotContain(o.Write, w => w.Value.Contains("public")));
    }

    [Fact]
    public void Access_RemoteDisconnect_OnlyThroughUtilitySettings()
    {
        var relay = Profile.Find(new ObisCode(0, 0, 96, 3, 10, 255))!;
        Assert.True(relay.CanInvoke("utility", 1));
        Assert.True(relay.CanInvoke("utility", 2));
        Assert.False(relay.CanInvoke("reader", 1));
        Assert.False(relay.CanInvoke("public", 1));
        Assert.True(relay.CanRead("reader"));
        Assert.False(relay.CanWrite("reader", 4));
        Assert.True(relay.CanWrite("utility", 4));
    }

    [Fact]
    public void Signatures_RelayKeyTransferAndCalendarActivation_MustBeSignedThroughUtilitySettings()
    {
        var relay = Profile.Find(new ObisCode(0, 0, 96, 3, 10, 255))!;
        var security = Profile.Find(new ObisCode(0, 0, 43, 0, 3, 255))!;
        var calendar = Profile.Find(new ObisCode(0, 0, 13, 0, 0, 255))!;

        Assert.True(relay.RequiresSignedInvoke("utility", 1));
        Assert.True(relay.RequiresSignedInvoke("utility", 2));
        Assert.False(relay.RequiresSignedWrite("utility", 4));
        Assert.True(security.RequiresSignedInvoke("utility", 2));
        Assert.True(security.RequiresSignedInvoke("utility", 6));
        Assert.False(security.RequiresSignedInvoke("utility", 1));
        Assert.True(calendar.RequiresSignedInvoke("utility", 1));
        Assert.True(calendar.RequiresSignedWrite("utility", 10));
        Assert.False(calendar.RequiresSignedWrite("utility", 6));
        Assert.Equal(5, Profile.Objects.Sum(o => o.SignedMethods.Count));
        Assert.All([191, 192, 193, 194], code => Assert.Equal(3, Profile.FindEvent((ushort)code)!.Group));
    }

    [Fact]
    public void Registers_CarryScalerAndUnit()
    {
        Assert.Equal(new ScalerUnit(-2, Unit.Volt), Profile.Find(new ObisCode(1, 0, 12, 7, 0, 255))!.ScalerUnit);
        Assert.Equal(new ScalerUnit(0, Unit.WattHour), Profile.Find(new ObisCode(1, 0, 1, 8, 0, 255))!.ScalerUnit);
        Assert.All(Profile.Objects.Where(o => o.ClassId is 3 or 4), o => Assert.NotNull(o.ScalerUnit));
    }

    [Theory]
    [InlineData(101, 2)]
    [InlineData(102, 2)]
    [InlineData(201, 4)]
    [InlineData(202, 4)]
    [InlineData(203, 4)]
    [InlineData(204, 4)]
    [InlineData(251, 5)]
    [InlineData(301, 6)]
    public void EventCodes_CommonCodes_AreInTheirGroups(int code, int group)
    {
        Assert.Equal(group, Profile.FindEvent((ushort)code)!.Group);
    }

    public static TheoryData<string, string> InvalidProfiles => new()
    {
        { "{", "not valid JSON" },
        { """{"id":"x","name":"x","deviation":"sideways","associations":[],"objects":[],"eventCodes":[]}""", "deviation" },
        { """{"id":"x","name":"x","deviation":"bluebook","associations":[{"id":"a","logicalName":"0.0.40.0.1.255","clientSap":16,"mechanism":"lowest"}],"objects":[],"eventCodes":[]}""", "no Association LN object" },
        { Minimal("""{"logicalName":"1.0.1.8.0.255","classId":3,"name":"E","read":["a"]}"""), "needs a unit" },
        { Minimal("""{"logicalName":"1.0.1.8.0.255","classId":3,"name":"E","read":["nobody"],"unit":"WattHour","scaler":0}"""), "unknown association 'nobody'" },
        { Minimal("""{"logicalName":"1.0.1.8.0","classId":1,"name":"E","read":["a"]}"""), "not an OBIS code" },
        { Minimal("""{"logicalName":"0.0.1.2.3.255","classId":9,"name":"E","read":["a"]}"""), "interface class 9" },
        { Minimal("""{"logicalName":"0.0.40.0.1.255","classId":15,"name":"again","read":["a"]}"""), "Duplicate object logical name" },
        { Minimal("""{"logicalName":"0.0.1.0.0.255","classId":8,"name":"C","read":["a"],"methods":{"x":["a"]}}"""), "not an attribute or method index" },
        { Minimal("""{"logicalName":"0.0.1.0.0.255","classId":8,"name":"C","read":["a"],"unit":"Volt","scaler":0}"""), "only registers" },
        { Minimal("""{"logicalName":"1.0.1.8.0.255","classId":3,"name":"E","read":["a"],"unit":"Furlong","scaler":0}"""), "unknown unit" },
        { new string('[', 40) + new string(']', 40), "not valid JSON" },
        { Minimal("""{"logicalName":"0.0.96.3.10.255","classId":70,"name":"R","read":["a"],"methods":{"1":["a"]},"signedMethods":{"2":["a"]}}"""), "association 'a' has no methods right on 2" },
        { Minimal("""{"logicalName":"0.0.96.3.10.255","classId":70,"name":"R","read":["a"],"methods":{"1":["a"]},"signedMethods":{"1":["a"]}}"""), "association 'a' is not ciphered" },
        { Minimal("""{"logicalName":"0.0.13.0.0.255","classId":20,"name":"C","read":["a"],"signedWrite":{"10":["a"]}}"""), "association 'a' has no write right on 10" },
    };

    [Theory]
    [MemberData(nameof(InvalidProfiles))]
    public void Parse_InvalidProfile_ThrowsNamingTheProblem(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => MeterProfile.Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static string Minimal(string extraObject) =>
        """{"id":"x","name":"x","deviation":"bluebook","associations":[{"id":"a","logicalName":"0.0.40.0.1.255","clientSap":16,"mechanism":"lowest"}],"objects":[{"logicalName":"0.0.40.0.1.255","classId":15,"name":"A","read":["a"]},"""
        + extraObject + """],"eventCodes":[]}""";
}
