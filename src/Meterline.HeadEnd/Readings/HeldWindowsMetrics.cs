namespace Meterline.HeadEnd.Readings;

/// <summary>
/// What a follower's <see cref="HeldWindows"/> did: windows served from memory (hits), windows read from the store
/// because the meter was not held or not for the span asked (misses), meters evicted to keep within the budget, meters
/// made whole after the feed lost some of their records (a store read of just that span), meters
/// dropped because their window could no longer be trusted (written outside the feed, a conflicting
/// duplicate, a full pass), and what is held now.
/// </summary>
public sealed class HeldWindowsMetrics
{
    private long _hits;
    private long _misses;
    private long _evictions;
    private long _invalidations;
    private long _repairs;
    private long _bytes;
    private long _meters;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Evictions => Interlocked.Read(ref _evictions);

    public long Invalidations => Interlocked.Read(ref _invalidations);

    /// <summary>Held windows made whole by a store read of only the span the feed lost records of.</summary>
    public long Repairs => Interlocked.Read(ref _repairs);

    /// <summary>The estimated bytes the held windows take (their arrays by capacity, the events and a fixed cost per meter).</summary>
    public long BytesHeld => Interlocked.Read(ref _bytes);

    public long MetersHeld => Interlocked.Read(ref _meters);

    internal void OnHit() => Interlocked.Increment(ref _hits);

    internal void OnMiss() => Interlocked.Increment(ref _misses);

    internal void OnEviction() => Interlocked.Increment(ref _evictions);

    internal void OnInvalidation() => Interlocked.Increment(ref _invalidations);

    internal void OnRepair() => Interlocked.Increment(ref _repairs);

    internal void SetHeld(long bytes, long meters)
    {
        Interlocked.Exchange(ref _bytes, bytes);
        Interlocked.Exchange(ref _meters, meters);
    }
}
