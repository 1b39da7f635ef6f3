using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class BackfillServiceTests
{
    private static readonly DateTimeOffset Now = TestMeterSetup.Start.AddHours(24).AddMinutes(40);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryMeterRepository _repository = new();
    private readonly InMemoryReadingStore _store = new();
    private readonly TestConnector _connector = new();

    private BackfillService Create(BackfillOptions? options = null) =>
        new(_repository, _store, [_connector], new GapDetector(_store, new GapDetectorOptions { LookBack = TimeSpan.FromHours(2), Grace = TimeSpan.FromMinutes(30) }, _time), options, _time);

    private async Task StoreAllButAsync(Meter meter, params int[] missingQuarters)
    {
        // The window is Now − 2 h rounded up to a quarter hour (quarter 0) to Now − 30 min rounded down (quarter 5).
        var first = Now.AddHours(-2).AddMinutes(5);
        var readings = Enumerable.Range(0, 6).Where(q => !missingQuarters.Contains(q))
            .Select(q => new IntervalReading(meter.Id, first.AddMinutes(15 * q), Quantity.BlockImportEnergy, 0, ReadingQuality.Authenticated)).ToList();
        await _store.WriteAsync(IngestBatch.Empty with { Readings = readings });
    }

    [Fact]
    public async Task RunOnce_MeterWithGaps_RangesReadAndStoredAsBackFilledOnlyInsideTheGaps()
    {
        var meter = await TestMeterSetup.AddAsync(_repository, 1);
        await StoreAllButAsync(meter, 2, 3, 5);

        var result = await Create().RunOnceAsync();

        Assert.Equal(new BackfillRunResult(1, 1, 0, 1, 3, 0), result);
        var filled = (await _store.QueryAsync(new ReadingQuery(meter.Id, Now.AddDays(-1), Now))).Items.Where(r => r.Quality.HasFlag(ReadingQuality.BackFilled)).ToList();
        Assert.Equal(3, filled.Count);
        Assert.All(filled, r => Assert.Equal(ReadingQuality.Authenticated | ReadingQuality.BackFilled, r.Quality));
        Assert.DoesNotContain(filled, r => r.Value < 0);
        Assert.Empty(await new GapDetector(_store, new GapDetectorOptions { LookBack = TimeSpan.FromHours(2) }, _time).FindGapsAsync(meter.Id));
    }

    [Fact]
    public async Task RunOnce_ManyMetersWithGaps_ConcurrencyAndPerRunCapRespected()
    {
        for (var n = 1; n <= 6; n++)
        {
            await StoreAllButAsync(await TestMeterSetup.AddAsync(_repository, n), 4);
        }

        var result = await Create(new BackfillOptions { MaxConcurrency = 2, MaxMetersPerRun = 4 }).RunOnceAsync();

        Assert.Equal(new BackfillRunResult(6, 6, 2, 4, 4, 0), result);
        Assert.True(_connector.MaxOpenAtOnce <= 2, $"{_connector.MaxOpenAtOnce} sessions were open at once");
        Assert.Equal(4, _connector.Sessions);
    }

    [Fact]
    public async Task RunOnce_UnreachableCompromisedOrWithoutEndpoint_CountedOrSkippedWithoutThrowing()
    {
        var unreachable = await TestMeterSetup.AddAsync(_repository, 1);
        var compromised = await TestMeterSetup.AddAsync(_repository, 2);
        await _repository.SetKeyStatusAsync(compromised.Id, KeyStatus.Compromised);
        await _repository.AddAsync(new MeterRegistration("MTL-NOROUTE", TestMeterSetup.Title(3), "is15959-single-phase"));
        _connector.Unreachable.Add(unreachable.Id);

        var result = await Create().RunOnceAsync();

        Assert.Equal(new BackfillRunResult(1, 1, 0, 0, 0, 1), result);
        Assert.Equal(0, await _store.CountReadingsAsync());
    }
}
