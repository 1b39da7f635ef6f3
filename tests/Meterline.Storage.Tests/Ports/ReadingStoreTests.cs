using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Storage.Sql;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Readings, billing snapshots, events and push counters, run against each engine.</summary>
public abstract class ReadingStoreTests : StorageTestBase
{
    private static readonly MeterId M1 = new(1);
    private static readonly MeterId M2 = new(2);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task WriteAsync_SameBatchTwice_StoresOnceAndCountsExactly()
    {
        var batch = new IngestBatch(
            Readings(M1, T0, 10, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage),
            [Snapshot(M1, T0)],
            [Event(M1, T0.AddMinutes(3), 201)],
            new Dictionary<MeterId, uint> { [M1] = 40 });

        var first = await Storage.Readings.WriteAsync(batch, Token);
        var second = await Storage.Readings.WriteAsync(batch, Token);

        Assert.Equal(new IngestResult(20, 1, 1), first);
        Assert.Equal(new IngestResult(0, 0, 0), second);
        Assert.Equal(20, await Storage.Readings.CountReadingsAsync(null, Token));
        Assert.Single(await Storage.Readings.GetBillingSnapshotsAsync(M1, T0, T0.AddDays(1), Token));
        Assert.Single(await Storage.Readings.GetEventsAsync(M1, T0, T0.AddDays(1), 100, Token));
    }

    [Fact]
    public async Task WriteAsync_OverlappingBatchAndDuplicatesWithin_CountsOnlyNewRowsAndKeepsTheFirstValue()
    {
        await Storage.Readings.WriteAsync(Batch(Readings(M1, T0, 5, Quantity.BlockImportEnergy)), Token);
        var overlapping = Readings(M1, T0.Add(3 * Interval), 5, Quantity.BlockImportEnergy)
            .Select(r => r with { Value = -1 })
            .Concat(Readings(M1, T0.Add(7 * Interval), 1, Quantity.BlockImportEnergy))
            .ToList();

        var result = await Storage.Readings.WriteAsync(Batch(overlapping), Token);

        Assert.Equal(3, result.ReadingsInserted);
        Assert.Equal(8, await Storage.Readings.CountReadingsAsync(M1, Token));
        var stored = await Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddDays(1)), Token);
        Assert.Equal(Readings(M1, T0, 5, Quantity.BlockImportEnergy)[3].Value, stored.Items[3].Value);
        Assert.Equal(-1, stored.Items[5].Value);
    }

    [Fact]
    public async Task WriteAsync_DuplicatesInsideOneMultiRowChunk_CountOnceAndKeepTheFirst()
    {
        var readings = Readings(M1, T0, 130, Quantity.BlockImportEnergy);
        readings[10] = readings[5] with { Value = -10 };
        readings[70] = readings[5] with { Value = -70 };
        readings[129] = readings[128] with { Value = -129 };

        var result = await Storage.Readings.WriteAsync(Batch(readings), Token);

        Assert.Equal(127, result.ReadingsInserted);
        var stored = await Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddDays(2), pageSize: 200), Token);
        Assert.Equal(127, stored.Items.Count);
        Assert.Equal(readings[5].Value, stored.Items.Single(r => r.Time == readings[5].Time).Value);
        Assert.Equal(readings[128].Value, stored.Items.Single(r => r.Time == readings[128].Time).Value);
    }

    [Fact]
    public async Task QueryAsync_RoundTripsEveryFieldExactly()
    {
        var written = new List<IntervalReading>
        {
            new(M1, T0.AddTicks(10), Quantity.BlockImportEnergy, 0.1 + 0.2, ReadingQuality.Authenticated | ReadingQuality.ClockDoubtful),
            new(M1, T0.AddTicks(10), Quantity.BlockAverageVoltage, 239.99999999999997, ReadingQuality.None),
            new(M1, T0.AddMinutes(15), Quantity.ImportInZone(8), double.MaxValue, ReadingQuality.BackFilled | ReadingQuality.Estimated),
            new(M1, T0.AddMinutes(30), new Quantity(short.MaxValue), -double.Epsilon, ReadingQuality.Authenticated),
            new(M1, new DateTimeOffset(2025, 3, 1, 5, 30, 0, TimeSpan.FromHours(5.5)), Quantity.BlockExportEnergy, -0.0, ReadingQuality.Authenticated),
        };
        await Storage.Readings.WriteAsync(Batch(written), Token);

        var page = await Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddHours(1)), Token);

        Assert.Null(page.NextPageToken);
        var expected = written.OrderBy(r => r.Time).ThenBy(r => r.Quantity.Code).ToList();
        Assert.Equal(expected, page.Items);
        Assert.All(page.Items, r => Assert.Equal(TimeSpan.Zero, r.Time.Offset));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(page.Items.Single(r => r.Quantity == Quantity.BlockImportEnergy).Value));
    }

    [Fact]
    public async Task QueryAsync_PagesOverManyRows_WithoutLossOrDuplicates()
    {
        var mine = Readings(M1, T0, 400, Quantity.BlockImportEnergy, Quantity.BlockExportEnergy, Quantity.BlockAverageCurrent);
        await Storage.Readings.WriteAsync(Batch([.. mine, .. Readings(M2, T0, 400, Quantity.BlockImportEnergy)]), Token);

        var seen = new List<IntervalReading>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddDays(30), pageSize: 97, pageToken: token), Token);
            seen.AddRange(page.Items);
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Equal(13, pages);
        Assert.Equal(mine.OrderBy(r => r.Time).ThenBy(r => r.Quantity.Code), seen);
    }

    [Fact]
    public async Task QueryAsync_TimeBoxAndQuantities_SelectExactlyFromInclusiveToExclusive()
    {
        await Storage.Readings.WriteAsync(Batch([.. Readings(M1, T0, 8, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage), .. Readings(M2, T0, 8, Quantity.BlockImportEnergy)]), Token);
        var from = T0.Add(2 * Interval);
        var to = T0.Add(5 * Interval);

        var page = await Storage.Readings.QueryAsync(new ReadingQuery(M1, from, to, [Quantity.BlockAverageVoltage]), Token);

        Assert.Equal([from, from.Add(Interval), from.Add(2 * Interval)], page.Items.Select(r => r.Time));
        Assert.All(page.Items, r => Assert.Equal((M1, Quantity.BlockAverageVoltage), (r.Meter, r.Quantity)));
        var justAfter = await Storage.Readings.QueryAsync(new ReadingQuery(M1, from.AddTicks(1), to.AddTicks(1), [Quantity.BlockAverageVoltage]), Token);
        Assert.Equal([from.Add(Interval), from.Add(2 * Interval), to], justAfter.Items.Select(r => r.Time));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("EQAAAAE")]
    [InlineData("IQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task QueryAsync_BadPageToken_ThrowsArgumentException(string token)
    {
        await Storage.Readings.WriteAsync(Batch(Readings(M1, T0, 3, Quantity.BlockImportEnergy)), Token);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddDays(1), pageToken: token), Token));
    }

    [Fact]
    public async Task GetIntervalTimesAsync_WithGaps_ReturnsOnlyStoredTimesAscending()
    {
        var readings = Readings(M1, T0, 12, Quantity.BlockImportEnergy).Where((_, i) => i is not (4 or 5 or 9)).ToList();
        var others = Readings(M2, T0, 12, Quantity.BlockImportEnergy).Concat(Readings(new MeterId(3), T0.AddSeconds(7), 12, Quantity.BlockImportEnergy));
        await Storage.Readings.WriteAsync(Batch([.. readings, .. Readings(M1, T0.Add(4 * Interval), 1, Quantity.BlockExportEnergy), .. others]), Token);

        var times = await Storage.Readings.GetIntervalTimesAsync(M1, Quantity.BlockImportEnergy, T0, T0.Add(12 * Interval), Token);

        Assert.Equal(readings.Select(r => r.Time), times);
        Assert.Empty(await Storage.Readings.GetIntervalTimesAsync(new MeterId(4), Quantity.BlockImportEnergy, T0, T0.AddDays(1), Token));
        Assert.Equal(12, (await Storage.Readings.GetIntervalTimesAsync(new MeterId(3), Quantity.BlockImportEnergy, T0, T0.AddDays(1), Token)).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.GetIntervalTimesAsync(M1, Quantity.BlockImportEnergy, T0, T0.AddDays(401), Token));
    }

    [Fact]
    public async Task GetLatestIntervalTimesAsync_OutOfOrderBatches_ReturnsLatestPerMeter()
    {
        await Storage.Readings.WriteAsync(Batch(Readings(M1, T0.AddDays(1), 4, Quantity.BlockImportEnergy)), Token);
        await Storage.Readings.WriteAsync(Batch([.. Readings(M1, T0, 4, Quantity.BlockImportEnergy), .. Readings(M2, T0, 2, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage)]), Token);
        await Storage.Readings.WriteAsync(Batch(Readings(M2, T0.AddDays(2), 1, Quantity.BlockAverageVoltage)), Token);

        var latest = await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, Token);

        Assert.Equal(2, latest.Count);
        Assert.Equal(T0.AddDays(1).Add(3 * Interval), latest[M1]);
        Assert.Equal(T0.Add(Interval), latest[M2]);
        Assert.Equal(T0.AddDays(2), (await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockAverageVoltage, Token))[M2]);
        Assert.Empty(await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.MaximumDemand, Token));
    }

    [Fact]
    public async Task GetLatestIntervalTimesAsync_BatchOfAWholeFleet_KeepsEveryMetersLatestAndNeverMovesBack()
    {
        // 150 meters x 2 quantities: more (meter, quantity) pairs than one multi-row statement holds, and a remainder.
        var meters = Enumerable.Range(1, 150).Select(m => new MeterId(m)).ToList();
        await Storage.Readings.WriteAsync(Batch([.. meters.SelectMany(m => Readings(m, T0.AddDays(1).Add((m.Value % 7) * Interval), 1, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage))]), Token);
        await Storage.Readings.WriteAsync(Batch([.. meters.SelectMany(m => Readings(m, T0, 2, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage))]), Token);

        var import = await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, Token);
        var voltage = await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockAverageVoltage, Token);

        Assert.Equal(150, import.Count);
        Assert.All(meters, m => Assert.Equal(T0.AddDays(1).Add((m.Value % 7) * Interval), import[m]));
        Assert.All(meters, m => Assert.Equal(T0.AddDays(1).Add((m.Value % 7) * Interval), voltage[m]));
    }

    [Fact]
    public async Task WriteAsync_PushCounters_OnlyEverGoUp()
    {
        await Storage.Readings.WriteAsync(Counters((M1, 10), (M2, uint.MaxValue)), Token);
        await Storage.Readings.WriteAsync(Counters((M1, 5)), Token);
        Assert.Equal(new Dictionary<MeterId, uint> { [M1] = 10, [M2] = uint.MaxValue }, await Storage.Readings.GetPushCountersAsync(Token));

        await Storage.Readings.WriteAsync(Counters((M1, 11)), Token);
        Assert.Equal(11u, (await Storage.Readings.GetPushCountersAsync(Token))[M1]);
    }

    [Fact]
    public async Task WriteAsync_PushCountersOfManyMeters_EveryOneStoredAndOnlyEverGoingUp()
    {
        // More meters than one multi-row statement takes (64 on SQLite), and a remainder.
        var meters = Enumerable.Range(1, 150).Select(i => new MeterId(i)).ToArray();
        await Storage.Readings.WriteAsync(Counters([.. meters.Select(m => (m, (uint)(1_000 + m.Value)))]), Token);
        await Storage.Readings.WriteAsync(Counters([.. meters.Select(m => (m, m.Value % 2 == 0 ? (uint)(2_000 + m.Value) : 5u))]), Token);

        var stored = await Storage.Readings.GetPushCountersAsync(Token);

        Assert.Equal(150, stored.Count);
        Assert.All(meters, m => Assert.Equal(m.Value % 2 == 0 ? (uint)(2_000 + m.Value) : (uint)(1_000 + m.Value), stored[m]));
    }

    [Fact]
    public async Task GetBillingSnapshotsAsync_RoundTripsValuesInOrder()
    {
        var first = Snapshot(M1, T0);
        var second = new BillingSnapshot(M1, T0.AddMonths(1), [new(Quantity.MaximumDemand, 4321.5), new(Quantity.CumulativeImportEnergy, 1e9)], null, ReadingQuality.BackFilled);
        var empty = new BillingSnapshot(M1, T0.AddMonths(2), [], T0.AddMonths(2).AddTicks(-10), ReadingQuality.None);
        await Storage.Readings.WriteAsync(new IngestBatch([], [second, Snapshot(M2, T0), first, empty], [], new Dictionary<MeterId, uint>()), Token);

        var read = await Storage.Readings.GetBillingSnapshotsAsync(M1, T0, T0.AddMonths(3), Token);

        Assert.Equal(3, read.Count);
        AssertSnapshot(first, read[0]);
        AssertSnapshot(second, read[1]);
        AssertSnapshot(empty, read[2]);
        Assert.Equal(2, (await Storage.Readings.GetBillingSnapshotsAsync(M1, T0, T0.AddMonths(2), Token)).Count);
    }

    [Fact]
    public async Task GetBillingSnapshotsOfMetersAsync_ManyMetersInChunks_SameAsOneReadPerMeter()
    {
        var meters = Enumerable.Range(1, 301).Select(i => new MeterId(i)).ToList();
        var snapshots = meters.SelectMany(m => new[]
        {
            Snapshot(m, T0),
            new BillingSnapshot(m, T0.AddMonths(1), [new(Quantity.MaximumDemand, m.Value), new(Quantity.CumulativeImportEnergy, 1e6 + m.Value)], T0.AddDays(3), ReadingQuality.BackFilled),
            new BillingSnapshot(m, T0.AddMonths(2), [], null, ReadingQuality.None),
        }).ToList();
        await Storage.Readings.WriteAsync(new IngestBatch([], snapshots, [], new Dictionary<MeterId, uint>()), Token);
        var asked = meters.Append(new MeterId(999)).ToList();

        var all = await Storage.Readings.GetBillingSnapshotsOfMetersAsync(asked, T0, T0.AddMonths(3), Token);
        var window = await Storage.Readings.GetBillingSnapshotsOfMetersAsync([M1, M2], T0.AddTicks(10), T0.AddMonths(2), Token);

        Assert.Equal(301, all.Count);
        Assert.False(all.ContainsKey(new MeterId(999)));
        foreach (var meter in meters)
        {
            var one = await Storage.Readings.GetBillingSnapshotsAsync(meter, T0, T0.AddMonths(3), Token);
            Assert.Equal(3, all[meter].Count);
            for (var i = 0; i < one.Count; i++)
            {
                AssertSnapshot(one[i], all[meter][i]);
            }
        }

        Assert.Equal([T0.AddMonths(1)], window[M1].Select(s => s.CapturedAt));
        Assert.Equal([T0.AddMonths(1)], window[M2].Select(s => s.CapturedAt));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.GetBillingSnapshotsOfMetersAsync(Enumerable.Range(1, IReadingStore.MaxMetersPerRead + 1).Select(i => new MeterId(i)).ToList(), T0, T0.AddDays(1), Token));
    }

    [Fact]
    public async Task GetEventsAsync_NewestFirstWithValues_FilteredByMeterTimeAndLimit()
    {
        var events = Enumerable.Range(0, 6).Select(i => Event(i % 2 == 0 ? M1 : M2, T0.AddMinutes(i), 200 + i)).ToList();
        await Storage.Readings.WriteAsync(new IngestBatch([], [], events, new Dictionary<MeterId, uint>()), Token);

        var all = await Storage.Readings.GetEventsAsync(null, T0, T0.AddHours(1), 100, Token);
        var mine = await Storage.Readings.GetEventsAsync(M1, T0, T0.AddHours(1), 2, Token);
        var window = await Storage.Readings.GetEventsAsync(null, T0.AddMinutes(1), T0.AddMinutes(3), 100, Token);

        Assert.Equal(events.AsEnumerable().Reverse().Select(e => e.Code), all.Select(e => e.Code));
        for (var i = 0; i < all.Count; i++)
        {
            AssertEvent(events[^(i + 1)], all[i]);
        }

        Assert.Equal([204, 202], mine.Select(e => e.Code));
        Assert.Equal([202, 201], window.Select(e => e.Code));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Readings.GetEventsAsync(null, T0, T0.AddHours(1), 10_001, Token));
    }

    [Fact]
    public async Task GetReadingsOfMetersAsync_ManyMetersInChunks_SameAsOneQueryPerMeter()
    {
        var meters = Enumerable.Range(1, 301).Select(i => new MeterId(i)).ToList();
        await Storage.Readings.WriteAsync(Batch([.. meters.SelectMany(m => Readings(m, T0, 6, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage))]), Token);
        var asked = meters.Append(new MeterId(999)).ToList();

        var all = await Storage.Readings.GetReadingsOfMetersAsync(asked, T0.Add(Interval), T0.Add(5 * Interval), [], 100, Token);
        var voltages = await Storage.Readings.GetReadingsOfMetersAsync(asked, T0, T0.AddDays(1), [Quantity.BlockAverageVoltage], 100, Token);
        var capped = await Storage.Readings.GetReadingsOfMetersAsync([M1, M2], T0, T0.AddDays(1), [], 3, Token);

        Assert.Equal(301, all.Count);
        Assert.False(all.ContainsKey(new MeterId(999)));
        foreach (var meter in meters)
        {
            var one = await Storage.Readings.QueryAsync(new ReadingQuery(meter, T0.Add(Interval), T0.Add(5 * Interval)), Token);
            Assert.Equal(one.Items, all[meter]);
            Assert.Equal(6, voltages[meter].Count);
            Assert.All(voltages[meter], r => Assert.Equal(Quantity.BlockAverageVoltage, r.Quantity));
        }

        Assert.Equal((await Storage.Readings.QueryAsync(new ReadingQuery(M2, T0, T0.AddDays(1)), Token)).Items.Take(3), capped[M2]);
    }

    [Fact]
    public async Task GetReadingsOfMetersAsync_PagesOfTimesWithoutTheMetersRows_ReadsOnToTheTimesThatHaveThem()
    {
        var store = Assert.IsAssignableFrom<SqlReadingStore>(Storage.Readings);
        var other = new MeterId(3);
        await Storage.Readings.WriteAsync(Batch([
            .. Readings(other, T0, 6, Quantity.BlockImportEnergy),
            .. Readings(M1, T0.Add(4 * Interval), 2, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage),
            .. Readings(M2, T0.Add(Interval), 1, Quantity.BlockImportEnergy)]), Token);

        // A cap of 2 rows makes every page one interval time: the first pages hold no row of M1.
        store.ReadingsRowCap = 2;
        var paged = await Storage.Readings.GetReadingsOfMetersAsync([M1, M2], T0, T0.AddDays(1), [], 100, Token);

        Assert.Equal((await Storage.Readings.QueryAsync(new ReadingQuery(M1, T0, T0.AddDays(1)), Token)).Items, paged[M1]);
        Assert.Equal(4, paged[M1].Count);
        Assert.Equal(T0.Add(Interval), Assert.Single(paged[M2]).Time);
        Assert.False(paged.ContainsKey(other));
    }

    [Fact]
    public async Task GetReadingsOfMetersAsync_RowCapHit_ReadsOnAfterTheLastRowSameResult()
    {
        var store = Assert.IsAssignableFrom<SqlReadingStore>(Storage.Readings);
        var meters = Enumerable.Range(1, 5).Select(i => new MeterId(i)).ToList();
        await Storage.Readings.WriteAsync(Batch([.. meters.SelectMany(m => Readings(m, T0, 6, Quantity.BlockImportEnergy, Quantity.BlockAverageVoltage, Quantity.Frequency))]), Token);
        var uncapped = await Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [], 100, Token);
        var uncappedVoltages = await Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [Quantity.BlockAverageVoltage, Quantity.Frequency], 100, Token);
        Assert.Equal(0, store.ReadingsCapHits);

        // 90 rows, 7 a statement: 12 statements hit the cap (the 13th returns the last 6), and nothing is lost or repeated.
        store.ReadingsRowCap = 7;
        var capped = await Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [], 100, Token);
        Assert.Equal(12, store.ReadingsCapHits);
        var cappedVoltages = await Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [Quantity.BlockAverageVoltage, Quantity.Frequency], 100, Token);
        var firstThree = await Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [], 3, Token);

        foreach (var meter in meters)
        {
            var one = (await Storage.Readings.QueryAsync(new ReadingQuery(meter, T0, T0.AddDays(1)), Token)).Items;
            Assert.Equal(18, one.Count);
            Assert.Equal(one, uncapped[meter]);
            Assert.Equal(one, capped[meter]);
            Assert.Equal(uncappedVoltages[meter], cappedVoltages[meter]);
            Assert.Equal(12, cappedVoltages[meter].Count);
            Assert.Equal(one.Take(3), firstThree[meter]);
        }
    }

    [Fact]
    public async Task GetReadingsOfMetersAsync_TooManyMetersOrEmptySpan_Throws()
    {
        var meters = Enumerable.Range(1, IReadingStore.MaxMetersPerRead + 1).Select(i => new MeterId(i)).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.GetReadingsOfMetersAsync(meters, T0, T0.AddDays(1), [], 10, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.GetReadingsOfMetersAsync([M1], T0, T0, [], 10, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Readings.GetReadingsOfMetersAsync([M1], T0, T0.AddDays(1), [], 0, Token));
    }

    [Fact]
    public async Task GetEventsOfMetersAsync_SeveralMeters_NewestFirstPerMeterWithValuesAndLimit()
    {
        var events = Enumerable.Range(0, 9).Select(i => Event(new MeterId(1 + (i % 3)), T0.AddMinutes(i), 200 + i)).ToList();
        await Storage.Readings.WriteAsync(new IngestBatch([], [], events, new Dictionary<MeterId, uint>()), Token);

        var all = await Storage.Readings.GetEventsOfMetersAsync([M1, M2, new MeterId(7)], T0, T0.AddHours(1), 100, Token);
        var limited = await Storage.Readings.GetEventsOfMetersAsync([M1, M2], T0, T0.AddHours(1), 2, Token);
        var window = await Storage.Readings.GetEventsOfMetersAsync([M1], T0.AddMinutes(1), T0.AddMinutes(6), 100, Token);

        Assert.Equal(2, all.Count);
        Assert.Equal([206, 203, 200], all[M1].Select(e => e.Code));
        Assert.Equal([207, 204, 201], all[M2].Select(e => e.Code));
        foreach (var meter in new[] { M1, M2 })
        {
            var one = await Storage.Readings.GetEventsAsync(meter, T0, T0.AddHours(1), 100, Token);
            Assert.Equal(one.Count, all[meter].Count);
            for (var i = 0; i < one.Count; i++)
            {
                AssertEvent(one[i], all[meter][i]);
            }
        }

        Assert.Equal([206, 203], limited[M1].Select(e => e.Code));
        Assert.Equal([207, 204], limited[M2].Select(e => e.Code));
        Assert.Equal([203], window[M1].Select(e => e.Code));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Readings.GetEventsOfMetersAsync([M1], T0, T0.AddHours(1), 10_001, Token));
    }

    [Fact]
    public async Task GetEventsAndSnapshots_WholeRangeOfDateTimeOffset_ReturnEverything()
    {
        await Storage.Readings.WriteAsync(
            new IngestBatch([], [Snapshot(M1, StorageTestBase.T0), Snapshot(M1, new DateTimeOffset(1970, 1, 4, 0, 0, 0, TimeSpan.Zero))],
                [Event(M1, new DateTimeOffset(9998, 12, 31, 0, 0, 0, TimeSpan.Zero), 1), Event(M2, new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), 2)], new Dictionary<MeterId, uint>()),
            Token);

        Assert.Equal([1, 2], (await Storage.Readings.GetEventsAsync(null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10, Token)).Select(e => e.Code));
        Assert.Equal(2, (await Storage.Readings.GetBillingSnapshotsAsync(M1, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, Token)).Count);
    }

    [Fact]
    public async Task WriteAsync_BadBatch_ThrowsArgumentExceptionAndStoresNothing()
    {
        var good = Readings(M1, T0, 3, Quantity.BlockImportEnergy);
        var nan = new IngestBatch([.. good, new(M1, T0.AddDays(1), Quantity.BlockImportEnergy, double.NaN, ReadingQuality.None)], [], [], Counters((M1, 9)).PushCounters);
        var ancient = new IngestBatch(good, [], [Event(M1, new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero), 1)], new Dictionary<MeterId, uint>());
        var tooMany = new IngestBatch(good, [new BillingSnapshot(M1, T0, Enumerable.Repeat(new RegisterValue(Quantity.MaximumDemand, 1), 257).ToList(), null, ReadingQuality.None)], [], new Dictionary<MeterId, uint>());

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(nan, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(ancient, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(tooMany, Token));

        Assert.Equal(0, await Storage.Readings.CountReadingsAsync(null, Token));
        Assert.Empty(await Storage.Readings.GetPushCountersAsync(Token));
        Assert.Empty(await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, Token));
    }

    [Fact]
    public async Task WriteAsync_MetersHeard_MarksThemOnlineInTheSameWriteAndNeverMovesTimeBack()
    {
        var meters = new List<Meter>();
        for (var i = 1; i <= 300; i++)
        {
            meters.Add(await AddMeterAsync(i));
        }

        var later = T0.AddTicks(1_234_560);
        var heard = meters.ToDictionary(m => m.Id, m => T0.AddSeconds(m.Id.Value));
        heard[meters[0].Id] = later;
        var first = await Storage.Readings.WriteAsync(Batch(Readings(meters[0].Id, T0, 2, Quantity.BlockImportEnergy)) with { MetersHeard = heard }, Token);
        var earlier = await Storage.Readings.WriteAsync(
            Batch(Readings(meters[0].Id, T0, 1, Quantity.BlockExportEnergy)) with { MetersHeard = new Dictionary<MeterId, DateTimeOffset> { [meters[0].Id] = T0 } },
            Token);
        var none = await Storage.Readings.WriteAsync(Batch(Readings(meters[1].Id, T0, 1, Quantity.BlockImportEnergy)), Token);

        Assert.True(first.MetersHeardMarked);
        Assert.True(earlier.MetersHeardMarked);
        Assert.False(none.MetersHeardMarked);
        var firstMeter = await Storage.Meters.GetAsync(meters[0].Id, Token);
        Assert.Equal(later, firstMeter!.LastHeardAt);
        Assert.Equal(CommunicationStatus.Online, firstMeter.Communication);
        foreach (var meter in meters.Skip(1))
        {
            var read = await Storage.Meters.GetAsync(meter.Id, Token);
            Assert.Equal(T0.AddSeconds(meter.Id.Value), read!.LastHeardAt);
            Assert.Equal(CommunicationStatus.Online, read.Communication);
        }
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_StoresNothing()
    {
        Assert.Equal(default, await Storage.Readings.WriteAsync(IngestBatch.Empty, Token));
        Assert.Equal(0, await Storage.Readings.CountReadingsAsync(null, Token));
    }

    [Fact]
    public async Task WriteAsync_LargeBatch_StoresAndCountsEveryReading()
    {
        const int meters = 250;
        const int intervals = 100;
        var quantities = new[] { Quantity.BlockImportEnergy, Quantity.BlockExportEnergy, Quantity.BlockAverageVoltage, Quantity.BlockAverageCurrent };
        var readings = new List<IntervalReading>(meters * intervals * quantities.Length);
        for (var i = 0; i < intervals; i++)
        {
            for (var m = 1; m <= meters; m++)
            {
                foreach (var q in quantities)
                {
                    readings.Add(new IntervalReading(new MeterId(m), T0.Add(i * Interval), q, (m * 1000.0) + i, ReadingQuality.Authenticated));
                }
            }
        }

        var result = await Storage.Readings.WriteAsync(Batch(readings), Token);
        var again = await Storage.Readings.WriteAsync(Batch(readings.GetRange(0, 5_000)), Token);

        Assert.Equal(100_000, result.ReadingsInserted);
        Assert.Equal(0, again.ReadingsInserted);
        Assert.Equal(100_000, await Storage.Readings.CountReadingsAsync(null, Token));
        Assert.Equal(intervals * quantities.Length, await Storage.Readings.CountReadingsAsync(new MeterId(7), Token));
        Assert.Equal(meters, (await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockAverageCurrent, Token)).Count);
    }

    [Fact]
    public async Task WriteAsync_IngestBatchesAndBackfillsOfTheSameMetersAtOnce_AllCommit()
    {
        // The ingest writer (one interval of every meter per batch) and back-fill sessions (many intervals of one
        // meter per batch) write at once; their rows of the latest-reading table overlap, in different orders.
        const int meters = 40;
        const int rounds = 60;
        const int sessions = 4;
        var block = new[] { Quantity.BlockImportEnergy, Quantity.BlockExportEnergy, Quantity.BlockAverageVoltage, Quantity.BlockAverageCurrent };
        Quantity[] pushed = [.. block, Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy];
        var ingest = Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var time = T0.AddDays(90).Add(round * Interval);
                await Storage.Readings.WriteAsync(Batch([.. Enumerable.Range(1, meters).SelectMany(m => pushed.Select(q => new IntervalReading(new MeterId(m), time, q, m, ReadingQuality.Authenticated)))]), Token);
            }
        });
        var backfills = Enumerable.Range(0, sessions).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                // Each back-fill of a meter fills 32 intervals of its own part of the days before.
                var meter = new MeterId(1 + (((round * sessions) + w) % meters));
                var start = T0.Add(((w * rounds) + round) * 32 * Interval);
                await Storage.Readings.WriteAsync(Batch([.. Readings(meter, start, 32, block).Select(r => r with { Quality = ReadingQuality.Authenticated | ReadingQuality.BackFilled })]), Token);
            }
        }));

        await Task.WhenAll([ingest, .. backfills]);

        Assert.Equal(meters, (await Storage.Readings.GetLatestIntervalTimesAsync(Quantity.BlockImportEnergy, Token)).Count);
        Assert.Equal((rounds * meters * pushed.Length) + (sessions * rounds * 32 * block.Length), await Storage.Readings.CountReadingsAsync(null, Token));
    }

    private static IngestBatch Batch(IReadOnlyList<IntervalReading> readings) => new(readings, [], [], new Dictionary<MeterId, uint>());

    private static IngestBatch Counters(params (MeterId Meter, uint Counter)[] counters) =>
        new([], [], [], counters.ToDictionary(c => c.Meter, c => c.Counter));

    private static List<IntervalReading> Readings(MeterId meter, DateTimeOffset start, int count, params Quantity[] quantities) =>
        [.. Enumerable.Range(0, count).SelectMany(i => quantities.Select(q => new IntervalReading(meter, start.Add(i * Interval), q, (meter.Value * 100.0) + i + (q.Code / 8.0), ReadingQuality.Authenticated)))];

    private static BillingSnapshot Snapshot(MeterId meter, DateTimeOffset at) =>
        new(meter, at, [new(Quantity.CumulativeImportEnergy, 123456.75), new(Quantity.ImportInZone(1), 1.5), new(Quantity.ImportInZone(2), 0), new(Quantity.MaximumDemand, 5.25e3)],
            at.AddDays(-3).AddTicks(20), ReadingQuality.Authenticated);

    private static MeterEvent Event(MeterId meter, DateTimeOffset at, int code) =>
        new(meter, at, code, [new(Quantity.BlockAverageVoltage, 231.5 + code), new(Quantity.BlockAverageCurrent, 0.25)], at.AddSeconds(2));

    private static void AssertSnapshot(BillingSnapshot expected, BillingSnapshot actual)
    {
        Assert.Equal((expected.Meter, expected.CapturedAt, expected.MaximumDemandAt, expected.Quality), (actual.Meter, actual.CapturedAt, actual.MaximumDemandAt, actual.Quality));
        Assert.Equal(expected.Values, actual.Values);
    }

    private static void AssertEvent(MeterEvent expected, MeterEvent actual)
    {
        Assert.Equal((expected.Meter, expected.OccurredAt, expected.Code, expected.ReceivedAt), (actual.Meter, actual.OccurredAt, actual.Code, actual.ReceivedAt));
        Assert.Equal(expected.Values, actual.Values);
    }
}
