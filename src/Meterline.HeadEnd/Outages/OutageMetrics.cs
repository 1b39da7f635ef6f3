namespace Meterline.HeadEnd.Outages;

/// <summary>What the outage service did: losses learnt, outages recorded and restored, failures (a store or alert error).</summary>
public sealed class OutageMetrics
{
    private long _losses;
    private long _recorded;
    private long _restored;
    private long _failures;

    public long Losses => Interlocked.Read(ref _losses);

    public long Recorded => Interlocked.Read(ref _recorded);

    public long Restored => Interlocked.Read(ref _restored);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last failure's message (for status pages), or null.</summary>
    public string? LastFailure { get; private set; }

    internal void OnLoss() => Interlocked.Increment(ref _losses);

    internal void OnRecorded() => Interlocked.Increment(ref _recorded);

    internal void OnRestored() => Interlocked.Increment(ref _restored);

    internal void OnFailure(Exception e)
    {
        Interlocked.Increment(ref _failures);
        LastFailure = e.GetType().Name + ": " + e.Message;
    }
}
