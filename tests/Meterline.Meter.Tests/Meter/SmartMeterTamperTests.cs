using Meterline.Dlms.Cosem;
using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Meter;

/// <summary>Scenario conditions become logged, counted and pushed events, with the instantaneous values.</summary>
public sealed class SmartMeterTamperTests : IDisposable
{
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Theory]
    [InlineData("magnet", 201, 202, 4)]
    [InlineData("neutral", 203, 204, 4)]
    [InlineData("reverse", 51, 52, 1)]
    [InlineData("sag", 9, 10, 0)]
    [InlineData("swell", 7, 8, 0)]
    public void Condition_HeldThenCleared_LogsOccurrenceAndRestorationWithAlerts(string kind, int occurrence, int restoration, int group)
    {
        var meter = _meters.Create(configure: o => o with { Household = new HouseholdProfile(3, 5, HouseholdAppliances.All, 4) });
        _meters.Time.Advance(TimeSpan.FromHours(19)); // the evening peak: current flows
        meter.AdvanceTo();
        DrainPushes(meter);
        Assert.True(meter.LastSample.PhaseCurrent > 0.6, $"load current {meter.LastSample.PhaseCurrent} A");
        var conditions = kind switch
        {
            "magnet" => new MetrologyConditions { Magnet = true },
            "neutral" => new MetrologyConditions { MissingNeutral = true },
            "reverse" => new MetrologyConditions { ReverseCurrent = true },
            "sag" => new MetrologyConditions { Grid = GridCondition.VoltageSag(0.7) },
            _ => new MetrologyConditions { Grid = GridCondition.OverVoltage(1.25) },
        };

        meter.SetConditions(conditions);
        _meters.Time.Advance(TimeSpan.FromMinutes(10));
        meter.AdvanceTo();
        var log = meter.EventLog(group);
        Assert.Equal(1, log.EntriesInUse);
        var row = log.GetRow(0);
        Assert.Equal(occurrence, row[1]);
        Assert.True(row[2] > 0, "the voltage at the event is logged");
        var alerts = DrainPushes(meter);
        Assert.Single(alerts, a => a.IsAlert);

        meter.SetConditions(MetrologyConditions.Normal);
        _meters.Time.Advance(TimeSpan.FromMinutes(10));
        meter.AdvanceTo();
        Assert.Equal(2, log.EntriesInUse);
        Assert.Equal(restoration, log.GetRow(1)[1]);
        Assert.Equal(group == 4 ? 1UL : 0UL, meter.TamperCount);
    }

    [Fact]
    public void Outage_LastGaspGoesOutAndTheMeterFallsSilentUntilRestoration()
    {
        var meter = _meters.Create();
        _meters.Time.Advance(TimeSpan.FromHours(1));
        meter.AdvanceTo();
        DrainPushes(meter);

        meter.SetConditions(new MetrologyConditions { Grid = GridCondition.Outage });
        _meters.Time.Advance(TimeSpan.FromMinutes(2));
        meter.AdvanceTo();

        Assert.False(meter.IsPowered);
        var lastGasp = DrainPushes(meter);
        Assert.Single(lastGasp);
        Assert.True(lastGasp[0].IsAlert);
        Assert.Equal(101, meter.EventLog(2).GetRow(0)[1]);
        var importDuringOutage = meter.Registers.ImportWh;
        _meters.Time.Advance(TimeSpan.FromMinutes(30));
        meter.AdvanceTo();
        Assert.Equal(importDuringOutage, meter.Registers.ImportWh);
        Assert.Empty(DrainPushes(meter));

        meter.SetConditions(MetrologyConditions.Normal);
        _meters.Time.Advance(TimeSpan.FromMinutes(2));
        meter.AdvanceTo();
        Assert.True(meter.IsPowered);
        Assert.Equal(102, meter.EventLog(2).GetRow(1)[1]);
        Assert.Equal(new CosemData.DoubleLongUnsigned(1), meter.Objects[new ObisCode(0, 0, 96, 7, 0, 255)].Get(Internal, 2, null).Data);
    }

    [Fact]
    public void UsagePushes_OnePerBlock_CarryTheClosedInterval()
    {
        var meter = _meters.Create();
        _meters.Time.Advance(TimeSpan.FromHours(2));
        meter.AdvanceTo();

        var usage = DrainPushes(meter).Where(p => p.PushSetup == new ObisCode(0, 0, 25, 9, 0, 255)).ToList();

        Assert.Equal(8, usage.Count);
        Assert.Equal(usage.Count, usage.Select(p => p.Sequence).Distinct().Count());
    }

    [Fact]
    public void UndeliveredPush_IsKeptAndSentAgainWithAFreshCounter()
    {
        var meter = _meters.Create();
        _meters.Time.Advance(TimeSpan.FromMinutes(16));
        meter.AdvanceTo();
        Assert.True(meter.TryTakePush(out var first));
        meter.CompletePush(first.Sequence, delivered: false);
        Assert.False(meter.TryTakePush(out _));

        _meters.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(meter.TryTakePush(out var again));

        Assert.Equal(first.Sequence, again.Sequence);
        Assert.False(first.Apdu.Span.SequenceEqual(again.Apdu.Span));
        meter.CompletePush(again.Sequence, delivered: true);
    }

    [Fact]
    public void FortyDays_BlockProfile_KeepsAtLeastThirtyDaysReadableByRange()
    {
        var meter = _meters.Create();
        for (var day = 0; day < 40; day++)
        {
            _meters.Time.Advance(TimeSpan.FromDays(1));
            meter.AdvanceTo();
            DrainPushes(meter);
        }

        var profile = meter.BlockProfile;
        Assert.Equal(35 * 96, profile.EntriesInUse);
        var to = meter.Clock.LocalNow;
        var from = to.AddDays(-30);
        var range = RangeDescriptor.ByClock(meter.Clock.ToCosem(from), meter.Clock.ToCosem(to));
        var rows = Assert.IsType<CosemData.Array>(profile.Get(Internal, 2, range.ToSelectiveAccessDescriptor()).Data);
        Assert.Equal(30 * 96 + 1, rows.Items.Length);
    }

    private static readonly Dlms.Associations.AssociationContext Internal =
        new(ObisCode.CurrentAssociation, 48, Dlms.Acse.AuthenticationMechanism.HighGmac, true, null, default);

    private static List<Meterline.Meter.Push.PushMessage> DrainPushes(SmartMeter meter)
    {
        var taken = new List<Meterline.Meter.Push.PushMessage>();
        while (taken.Count < 10_000 && meter.TryTakePush(out var push))
        {
            taken.Add(push);
            meter.CompletePush(push.Sequence, delivered: true);
        }

        return taken;
    }
}
