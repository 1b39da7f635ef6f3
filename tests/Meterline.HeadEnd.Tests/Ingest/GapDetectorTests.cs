using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class GapDetectorTests
{
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);
    private static readonly DateTimeOffset T0 = TestMeterSetup.Start;

    private static DateTimeOffset At(int quarter) => T0 + (quarter * Quarter);

    [Fact]
    public void FindGaps_MissingIntervals_MergedIntoRangesWithCounts()
    {
        int[] stored = [0, 1, 4, 5, 9];

        var gaps = GapDetector.FindGaps(stored.Select(At), At(0), At(11), Quarter);

        Assert.Equal([new GapRange(At(2), At(3), 2), new GapRange(At(6), At(8), 3), new GapRange(At(10), At(11), 2)], gaps);
    }

    [Fact]
    public void FindGaps_EverythingStored_NoGap() =>
        Assert.Empty(GapDetector.FindGaps(Enumerable.Range(0, 8).Select(At), At(0), At(7), Quarter));

    [Fact]
    public void FindGaps_NothingStored_OneRangeOverTheWindow() =>
        Assert.Equal([new GapRange(At(0), At(95), 96)], GapDetector.FindGaps([], At(0), At(95), Quarter));

    [Fact]
    public void FindGaps_TimesOffTheGrid_Ignored() =>
        Assert.Equal([new GapRange(At(1), At(1), 1)], GapDetector.FindGaps([At(0), At(1).AddMinutes(1), At(2)], At(0), At(2), Quarter));

    [Fact]
    public async Task FindGapsAsync_LookBackAndGrace_OnlyIntervalsDueAndInTheWindowCount()
    {
        var time = new FakeTimeProvider(At(96).AddMinutes(7)); // 24 h 7 min after T0
        var store = new InMemoryReadingStore();
        var meter = new MeterId(1);
        var present = Enumerable.Range(1, 93).Where(q => q is not (10 or 11 or 50)).Select(q => new IntervalReading(meter, At(q), Quantity.BlockImportEnergy, 1, ReadingQuality.Authenticated));
        await store.WriteAsync(IngestBatch.Empty with { Readings = present.ToList() });
        var detector = new GapDetector(store, new GapDetectorOptions { LookBack = TimeSpan.FromHours(24), Grace = TimeSpan.FromMinutes(30) }, time);

        var gaps = await detector.FindGapsAsync(meter);

        // Window: first interval end at or after now − 24 h (At(1)); last at or before now − 30 min (At(94)).
        Assert.Equal([new GapRange(At(10), At(11), 2), new GapRange(At(50), At(50), 1), new GapRange(At(94), At(94), 1)], gaps);
    }

    [Fact]
    public void Options_LookBackOfTooManyIntervals_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GapDetector(new InMemoryReadingStore(), new GapDetectorOptions { Interval = TimeSpan.FromMinutes(1), LookBack = TimeSpan.FromDays(400) }));
}
