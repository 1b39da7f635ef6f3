namespace Meterline.HeadEnd.Ingest;

/// <summary>What an <see cref="IngestFollower"/> did: rounds, the rounds that covered meters whose records its feed lost, and full passes by cause.</summary>
public sealed class IngestFollowerMetrics
{
    private long _rounds;
    private long _lostMeterRounds;
    private long _lostMeters;
    private long _fullPasses;
    private long _fullPassesAfterLoss;

    /// <summary>Rounds over the records (and lost meters) taken from the feed.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Rounds that also acted on meters whose records the feed lost, instead of a full pass.</summary>
    public long LostMeterRounds => Interlocked.Read(ref _lostMeterRounds);

    /// <summary>Lost meters handed to the caller in those rounds.</summary>
    public long LostMeters => Interlocked.Read(ref _lostMeters);

    /// <summary>Full passes for any cause (start, period, a loss, too much to remember).</summary>
    public long FullPasses => Interlocked.Read(ref _fullPasses);

    /// <summary>
    /// Full passes because of what the feed lost or the caller could not remember: the lost meters overflowed the feed's
    /// memory, the caller cannot act on lost meters, or the caller held too many meters.
    /// </summary>
    public long FullPassesAfterLoss => Interlocked.Read(ref _fullPassesAfterLoss);

    internal void OnRound(int lostMeters)
    {
        Interlocked.Increment(ref _rounds);
        if (lostMeters > 0)
        {
            Interlocked.Increment(ref _lostMeterRounds);
            Interlocked.Add(ref _lostMeters, lostMeters);
        }
    }

    internal void OnFullPass(bool afterLoss)
    {
        Interlocked.Increment(ref _fullPasses);
        if (afterLoss)
        {
            Interlocked.Increment(ref _fullPassesAfterLoss);
        }
    }
}
