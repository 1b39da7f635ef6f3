using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>The outage store's contract, run against each engine.</summary>
public abstract class OutageStoreTests : StorageTestBase
{
    private static Outage Open(string feeder, DateTimeOffset at, params MeterId[] meters) =>
        new(default, OutageScope.Transformer, "T-" + feeder, feeder, OutageState.Open, at, null, at.AddMinutes(2),
            [.. meters.Select((m, i) => new AffectedMeter(m, at.AddSeconds(i), i % 2 == 0 ? PowerSignalSource.LastGasp : PowerSignalSource.Silence))]);

    private static Outage Restored(Outage outage, DateTimeOffset at) =>
        outage with { State = OutageState.Restored, RestoredAt = at, Meters = [.. outage.Meters.Select(m => m with { RestoredAt = at })] };

    [Fact]
    public async Task AddAsync_NewOutage_ReadBackWithItsMeters()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);

        var added = await Storage.Outages.AddAsync(Open("F1", T0, a.Id, b.Id), Token);
        var read = await Storage.Outages.GetAsync(added.Id, Token);

        Assert.True(added.Id.Value > 0);
        Assert.NotNull(read);
        Assert.Equal((OutageScope.Transformer, "T-F1", "F1", OutageState.Open), (read.Scope, read.ScopeId, read.FeederId, read.State));
        Assert.Equal((T0, (DateTimeOffset?)null, T0.AddMinutes(2)), (read.StartedAt, read.RestoredAt, read.DetectedAt));
        Assert.Equal(added.Meters, read.Meters);
        Assert.Equal(PowerSignalSource.Silence, read.Meters[1].Source);
        Assert.Null(read.Alert);
    }

    [Fact]
    public async Task UpdateAsync_Restoration_StoredWithAlert()
    {
        var meter = await AddMeterAsync(1);
        var added = await Storage.Outages.AddAsync(Open("F1", T0, meter.Id), Token);
        var alert = await Storage.Alerts.RaiseAsync(new Finding(meter.Id, "service-fault", "outage", AlertSeverity.Warning, 0.9, "Fault.", T0, T0, []), T0, cancellationToken: Token);

        Assert.True(await Storage.Outages.UpdateAsync(Restored(added, T0.AddMinutes(47)) with { Alert = alert.Alert!.Id }, Token));
        var read = await Storage.Outages.GetAsync(added.Id, Token);

        Assert.Equal((OutageState.Restored, T0.AddMinutes(47), alert.Alert.Id), (read!.State, read.RestoredAt, read.Alert));
        Assert.Equal(T0.AddMinutes(47), Assert.Single(read.Meters).RestoredAt);
    }

    [Fact]
    public async Task UpdateAsync_UnknownOutage_False()
    {
        var meter = await AddMeterAsync(1);

        Assert.False(await Storage.Outages.UpdateAsync(Open("F1", T0, meter.Id) with { Id = new OutageId(999) }, Token));
        Assert.Null(await Storage.Outages.GetAsync(new OutageId(999), Token));
    }

    [Fact]
    public async Task AddAsync_RestoredWithoutTime_Refused()
    {
        var meter = await AddMeterAsync(1);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Outages.AddAsync(Open("F1", T0, meter.Id) with { State = OutageState.Restored }, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Outages.AddAsync(Open("F1", T0), Token));
    }

    [Fact]
    public async Task ListAsync_StateFeederAndPaging_NewestFirst()
    {
        var meter = await AddMeterAsync(1);
        var ids = new List<OutageId>();
        for (var i = 0; i < 5; i++)
        {
            var added = await Storage.Outages.AddAsync(Open(i % 2 == 0 ? "F1" : "F2", T0.AddHours(i), meter.Id), Token);
            if (i == 4)
            {
                await Storage.Outages.UpdateAsync(Restored(added, T0.AddHours(5)), Token);
            }

            ids.Add(added.Id);
        }

        var all = await Storage.Outages.ListAsync(new OutageFilter(), null, 100, Token);
        var open = await Storage.Outages.ListAsync(new OutageFilter(OutageState.Open), null, 100, Token);
        var f1 = await Storage.Outages.ListAsync(new OutageFilter(FeederId: "F1"), null, 100, Token);
        var page = await Storage.Outages.ListAsync(new OutageFilter(), ids[3], 2, Token);

        Assert.Equal(ids.AsEnumerable().Reverse(), all.Select(o => o.Id));
        Assert.Equal(4, open.Count);
        Assert.Equal([ids[4], ids[2], ids[0]], f1.Select(o => o.Id));
        Assert.Equal([ids[2], ids[1]], page.Select(o => o.Id));
    }

    [Fact]
    public async Task ListOverlappingAsync_Period_OutagesThatTouchIt()
    {
        var meter = await AddMeterAsync(1);
        var before = await Storage.Outages.AddAsync(Restored(Open("F1", T0.AddHours(-3), meter.Id), T0.AddHours(-2)), Token);
        var across = await Storage.Outages.AddAsync(Restored(Open("F1", T0.AddHours(-1), meter.Id), T0.AddHours(1)), Token);
        var inside = await Storage.Outages.AddAsync(Restored(Open("F1", T0.AddHours(2), meter.Id), T0.AddHours(3)), Token);
        var open = await Storage.Outages.AddAsync(Open("F1", T0.AddHours(20), meter.Id), Token);
        var after = await Storage.Outages.AddAsync(Open("F1", T0.AddDays(1), meter.Id), Token);
        var elsewhere = await Storage.Outages.AddAsync(Open("F2", T0.AddHours(2), meter.Id), Token);

        var found = await Storage.Outages.ListOverlappingAsync("F1", T0, T0.AddDays(1), 100, Token);

        Assert.Equal([across.Id, inside.Id, open.Id], found.Select(o => o.Id));
        Assert.DoesNotContain(found, o => o.Id == before.Id || o.Id == after.Id || o.Id == elsewhere.Id);
    }
}
