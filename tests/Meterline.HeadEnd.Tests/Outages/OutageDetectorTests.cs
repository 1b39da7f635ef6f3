using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Microsoft.Extensions.Time.Testing;
using static Meterline.HeadEnd.Tests.Outages.Network;

namespace Meterline.HeadEnd.Tests.Outages;

public sealed class OutageDetectorTests
{
    private readonly FakeTimeProvider _time = new(T0);
    private readonly OutageDetector _detector = new();
    private long _nextId;

    /// <summary>Every meter in <paramref name="meters"/> sends its last gasp within a few seconds, as a transformer trip does.</summary>
    private void Gasp(IEnumerable<int> meters)
    {
        foreach (var meter in meters)
        {
            Assert.Null(_detector.Observe(LastGasp(meter, _time.GetUtcNow()), Topology));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Groups after the window, and tracks what was grouped as the service does once it is stored.</summary>
    private List<Outage> Record()
    {
        _time.Advance(new OutageOptions().GroupingWindow);
        var outages = new List<Outage>();
        foreach (var group in _detector.TakeGroups(_time.GetUtcNow(), Topology))
        {
            var restored = group.Meters.All(m => m.RestoredAt is not null);
            var outage = new Outage(new OutageId(++_nextId), group.Scope, group.ScopeId, group.FeederId, restored ? OutageState.Restored : OutageState.Open,
                group.Meters.Min(m => m.LostAt), restored ? group.Meters.Max(m => m.RestoredAt) : null, _time.GetUtcNow(), group.Meters);
            _detector.Track(outage);
            outages.Add(outage);
        }

        return outages;
    }

    [Fact]
    public void TakeGroups_TenMetersOfOneTransformerTogether_OneTransformerOutage()
    {
        Gasp(Enumerable.Range(1, 10));

        var outage = Assert.Single(Record());

        Assert.Equal((OutageScope.Transformer, "T1", "F1"), (outage.Scope, outage.ScopeId, outage.FeederId));
        Assert.Equal(10, outage.ConsumersAffected);
        Assert.Equal(T0, outage.StartedAt);
        Assert.All(outage.Meters, m => Assert.Equal(PowerSignalSource.LastGasp, m.Source));
    }

    [Fact]
    public void TakeGroups_OneMeterAlone_MeterFault()
    {
        Gasp([4]);

        var outage = Assert.Single(Record());

        Assert.Equal((OutageScope.Meter, Serial(4), "F1"), (outage.Scope, outage.ScopeId, outage.FeederId));
        Assert.Equal(new MeterId(4), Assert.Single(outage.Meters).Meter);
    }

    [Fact]
    public void TakeGroups_MeterWithoutTransformer_MeterFault()
    {
        Gasp([30]);

        var outage = Assert.Single(Record());

        Assert.Equal((OutageScope.Meter, Serial(30), (string?)null), (outage.Scope, outage.ScopeId, outage.FeederId));
    }

    [Fact]
    public void TakeGroups_TwoTransformersOfOneFeeder_OneFeederOutage()
    {
        Gasp(Enumerable.Range(1, 10).Concat(Enumerable.Range(11, 4)));

        var outage = Assert.Single(Record());

        Assert.Equal((OutageScope.Feeder, "F1", "F1"), (outage.Scope, outage.ScopeId, outage.FeederId));
        Assert.Equal(14, outage.ConsumersAffected);
    }

    [Fact]
    public void TakeGroups_TransformersOfTwoFeeders_TwoTransformerOutages()
    {
        Gasp(Enumerable.Range(1, 10).Concat(Enumerable.Range(21, 4)));

        var outages = Record();

        Assert.Equal([(OutageScope.Transformer, "T1"), (OutageScope.Transformer, "T3")], outages.Select(o => (o.Scope, o.ScopeId)).OrderBy(o => o.ScopeId));
    }

    [Theory]
    [InlineData(2, 10, false)] // 2 of 10: fewer than 3 and under half
    [InlineData(3, 10, true)] // the minimum count, exactly
    [InlineData(2, 4, true)] // half of the transformer's meters, exactly
    [InlineData(1, 2, false)] // one meter alone never is a transformer outage
    [InlineData(2, 5, false)] // 40 %
    public void IsTransformerOutage_CountAndShare_BoundariesRespected(int down, int registered, bool transformer) =>
        Assert.Equal(transformer, OutageGrouper.IsTransformerOutage(down, registered, new OutageOptions()));

    [Fact]
    public void TakeGroups_TwoOfTenMeters_TwoMeterFaults()
    {
        Gasp([2, 7]);

        var outages = Record();

        Assert.Equal(2, outages.Count);
        Assert.All(outages, o => Assert.Equal(OutageScope.Meter, o.Scope));
    }

    [Fact]
    public void TakeGroups_BeforeTheWindow_HoldsTheLosses()
    {
        Gasp(Enumerable.Range(1, 10));
        _time.Advance(new OutageOptions().GroupingWindow - TimeSpan.FromSeconds(11));

        Assert.Empty(_detector.TakeGroups(_time.GetUtcNow(), Topology));
        Assert.Equal(10, _detector.PendingCount);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_detector.TakeGroups(_time.GetUtcNow(), Topology));
    }

    [Fact]
    public void Observe_RestorationOfEveryMeter_RestoresWithDuration()
    {
        Gasp(Enumerable.Range(1, 10));
        var outage = Assert.Single(Record());

        // Supply returns to the meters one by one over 47 to 56 minutes after the trip; the last one restores the outage.
        Outage? changed = null;
        for (var meter = 1; meter <= 10; meter++)
        {
            changed = _detector.Observe(Restoration(meter, T0.AddMinutes(46 + meter)), Topology);
            Assert.NotNull(changed);
            Assert.Equal(meter < 10 ? OutageState.Open : OutageState.Restored, changed.State);
        }

        Assert.Equal(outage.Id, changed!.Id);
        Assert.Equal(T0.AddMinutes(56), changed.RestoredAt);
        Assert.Equal(TimeSpan.FromMinutes(56), changed.Duration(_time.GetUtcNow()));
        Assert.Equal(TimeSpan.FromMinutes(47), changed.Meters[0].Duration(_time.GetUtcNow()));
        Assert.Empty(_detector.Open);
        Assert.False(_detector.IsOff(new MeterId(10)));
    }

    [Fact]
    public void Observe_RestorationTwice_ChangesNothing()
    {
        Gasp([4]);
        Record();
        Assert.Equal(OutageState.Restored, _detector.Observe(Restoration(4, T0.AddMinutes(30)), Topology)!.State);

        Assert.Null(_detector.Observe(Restoration(4, T0.AddMinutes(31)), Topology));
    }

    [Fact]
    public void Observe_ReadingOlderThanTheLastGasp_DoesNotRestore()
    {
        Gasp([4]);
        Record();

        Assert.Null(_detector.Observe(new PowerSignal(new MeterId(4), T0.AddMinutes(-15), _time.GetUtcNow(), PowerSignalSource.Heard), Topology));
        Assert.True(_detector.IsOff(new MeterId(4)));
        Assert.NotNull(_detector.Observe(new PowerSignal(new MeterId(4), T0.AddMinutes(45), _time.GetUtcNow(), PowerSignalSource.Heard), Topology));
    }

    [Fact]
    public void Observe_LateLossUnderAnOpenTransformerOutage_JoinsIt()
    {
        Gasp(Enumerable.Range(1, 9));
        var outage = Assert.Single(Record());

        var joined = _detector.Observe(LastGasp(10, _time.GetUtcNow()), Topology);

        Assert.NotNull(joined);
        Assert.Equal(outage.Id, joined.Id);
        Assert.Equal(10, joined.ConsumersAffected);
        Assert.Equal(0, _detector.PendingCount);
    }

    [Fact]
    public void TakeGroups_MeterBackBeforeTheWindow_RecordedRestored()
    {
        Gasp([4]);
        _detector.Observe(Restoration(4, T0.AddMinutes(1)), Topology);

        var outage = Assert.Single(Record());

        Assert.Equal(OutageState.Restored, outage.State);
        Assert.Equal(TimeSpan.FromMinutes(1), outage.Duration(_time.GetUtcNow()));
    }

    [Fact]
    public void Observe_SilentMeterHeardAgain_RestoredAtTheHeadEndsTime()
    {
        var silentSince = T0.AddMinutes(-50);
        _detector.Observe(new PowerSignal(new MeterId(4), silentSince, T0, PowerSignalSource.Silence), Topology);
        var outage = Assert.Single(Record());
        Assert.Equal(silentSince, outage.StartedAt);

        // The meter's own clock may be off; the head-end's time of hearing it ends a loss learnt from silence.
        var heardAt = _time.GetUtcNow().AddMinutes(5);
        var restored = _detector.Observe(new PowerSignal(new MeterId(4), T0.AddDays(-3), heardAt, PowerSignalSource.Heard), Topology);

        Assert.Equal(heardAt, restored!.RestoredAt);
    }

    [Fact]
    public void Observe_LossOfAMeterAlreadyOff_Ignored()
    {
        Gasp([4]);
        Assert.Null(_detector.Observe(new PowerSignal(new MeterId(4), T0.AddMinutes(-45), T0, PowerSignalSource.Silence), Topology));

        var outage = Assert.Single(Record());

        Assert.Equal(PowerSignalSource.LastGasp, Assert.Single(outage.Meters).Source);
    }

    [Fact]
    public void Track_LoadedOpenOutage_RestoredByItsMeters()
    {
        var loaded = new Outage(new OutageId(7), OutageScope.Transformer, "T3", "F2", OutageState.Open, T0, null, T0,
            [new AffectedMeter(new MeterId(21), T0, PowerSignalSource.LastGasp), new AffectedMeter(new MeterId(22), T0, PowerSignalSource.LastGasp, T0.AddMinutes(3))]);
        _detector.Track(loaded);

        Assert.True(_detector.IsOff(new MeterId(21)));
        Assert.False(_detector.IsOff(new MeterId(22)));
        var restored = _detector.Observe(Restoration(21, T0.AddMinutes(9)), Topology);
        Assert.Equal((OutageState.Restored, T0.AddMinutes(9)), (restored!.State, restored.RestoredAt));
    }

    [Fact]
    public void Observe_LastGaspOlderThanTheRestoration_Ignored()
    {
        Gasp([4]);
        Record();
        _detector.Observe(Restoration(4, T0.AddMinutes(30)), Topology);

        Assert.Null(_detector.Observe(LastGasp(4, T0, _time.GetUtcNow()), Topology));
        Assert.False(_detector.IsOff(new MeterId(4)));
        Assert.Null(_detector.Observe(LastGasp(4, T0.AddMinutes(31), _time.GetUtcNow()), Topology));
        Assert.True(_detector.IsOff(new MeterId(4)));
    }
}
