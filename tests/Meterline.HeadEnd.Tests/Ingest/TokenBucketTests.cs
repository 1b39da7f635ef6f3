using Meterline.HeadEnd.Ingest;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new(TestMeterSetup.Start);

    [Fact]
    public void TryTake_BurstSpent_RefusesUntilRefilled()
    {
        var bucket = new TokenBucket(new TokenBucketSettings(2, 3), _time);

        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(bucket.TryTake());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void TryTake_LongIdle_RefillsOnlyToTheBurst()
    {
        var bucket = new TokenBucket(new TokenBucketSettings(10, 2), _time);
        Assert.True(bucket.TryTake());

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(2, bucket.Available, 6);
        Assert.True(bucket.IsFull);
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(1, 0)]
    public void Constructor_BadSettings_Throws(double rate, int burst) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(new TokenBucketSettings(rate, burst), _time));

    [Fact]
    public void Table_FullOfActiveBuckets_RefusesNewKeyAndCountsIt()
    {
        var table = new TokenBucketTable<string>(new TokenBucketSettings(1, 2), 2, _time);
        Assert.True(table.TryTake("a"));
        Assert.True(table.TryTake("b"));

        Assert.False(table.TryTake("c"));

        Assert.Equal(1, table.Overflows);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Table_Full_EvictsBucketsThatRefilledAndAdmitsTheNewKey()
    {
        var table = new TokenBucketTable<string>(new TokenBucketSettings(1, 2), 2, _time);
        Assert.True(table.TryTake("a"));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(table.TryTake("b"));
        _time.Advance(TimeSpan.FromSeconds(0.6)); // a has refilled (2.1 s), b has not (0.6 s)

        Assert.True(table.TryTake("c"));

        Assert.Equal(1, table.Evicted);
        Assert.Equal(2, table.Count);
        Assert.Equal(0, table.Overflows);
    }

    [Fact]
    public void Table_KeyOverItsRate_RefusedWhileOtherKeysPass()
    {
        var table = new TokenBucketTable<int>(new TokenBucketSettings(1, 1), 10, _time);

        Assert.True(table.TryTake(1));
        Assert.False(table.TryTake(1));
        Assert.True(table.TryTake(2));
    }
}
