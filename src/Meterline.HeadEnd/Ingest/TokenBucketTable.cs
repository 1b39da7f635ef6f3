namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Token buckets by key (a source address, a meter), at most <see cref="Capacity"/> of them. When the table is full,
/// buckets that have refilled completely are forgotten — a full bucket is the same as a new one, so nothing is lost —
/// at most once per <see cref="SweepInterval"/>; if none can go, the new key is refused (counted in
/// <see cref="Overflows"/>): under a flood from more keys than the table holds, new keys wait rather than memory growing.
/// Thread-safe.
/// </summary>
public sealed class TokenBucketTable<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TokenBucket> _buckets = [];
    private readonly Lock _lock = new();
    private readonly TokenBucketSettings _settings;
    private readonly TimeProvider _time;
    private long _lastSweep;
    private long _evicted;
    private long _overflows;

    public TokenBucketTable(TokenBucketSettings settings, int capacity, TimeProvider time)
    {
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
        Capacity = capacity;
        _lastSweep = time.GetTimestamp() - (long)(SweepInterval.TotalSeconds * time.TimestampFrequency);
    }

    public int Capacity { get; }

    /// <summary>The shortest time between two sweeps of a full table.</summary>
    public static TimeSpan SweepInterval { get; } = TimeSpan.FromSeconds(1);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Buckets forgotten because they had refilled.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Keys refused because the table was full of buckets in use.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Spends a token of <paramref name="key"/>'s bucket; false when it is empty or the table is full.</summary>
    public bool TryTake(TKey key)
    {
        TokenBucket? bucket;
        lock (_lock)
        {
            if (!_buckets.TryGetValue(key, out bucket))
            {
                if (_buckets.Count >= Capacity && !SweepLocked())
                {
                    _overflows++;
                    return false;
                }

                bucket = new TokenBucket(_settings, _time);
                _buckets.Add(key, bucket);
            }
        }

        return bucket.TryTake();
    }

    /// <summary>Forgets every bucket that has refilled; returns how many went.</summary>
    public int Sweep()
    {
        lock (_lock)
        {
            return RemoveFullLocked();
        }
    }

    private bool SweepLocked()
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastSweep, now) < SweepInterval)
        {
            return false;
        }

        _lastSweep = now;
        return RemoveFullLocked() > 0;
    }

    private int RemoveFullLocked()
    {
        var removed = 0;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull)
            {
                _buckets.Remove(key);
                removed++;
            }
        }

        _evicted += removed;
        return removed;
    }
}
