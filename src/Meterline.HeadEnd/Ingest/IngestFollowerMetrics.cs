namespace Meterline.HeadEnd.Ingest;

/// <summary>What an <see cref="IngestFollower"/> did: rounds, the rounds that covered meters whose records its feed lost, and full passes by cause.</summary>
public sealed class IngestFollowerMetrics
{
    private long _rounds;
    private long _lostMeterRounds;
    private long _lostMeters;
    private long _fullPasses;
    private long _fullPassesAfterLoss;
    private long _busyTicks;
    private long _pausedTicks;
    private volatile bool _caughtUp;

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

    /// <summary>Time spent in rounds and full passes.</summary>
    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    /// <summary>Pauses asked for between rounds to keep to <see cref="IngestPipelineOptions.FollowerShare"/> (a pause ends early only by the follower stopping; records arriving in it are noted for the next round).</summary>
    public TimeSpan Paused => TimeSpan.FromTicks(Interlocked.Read(ref _pausedTicks));

    /// <summary>Whether the follower is waiting with nothing noted and nothing in its feed (it has acted on every record it was given).</summary>
    public bool CaughtUp
    {
        get => _caughtUp;
        internal set => _caughtUp = value;
    }

    internal void OnRoundTime(TimeSpan took, TimeSpan pause)
    {
        Interlocked.Add(ref _busyTicks, took.Ticks);
        Interlocked.Add(ref _pausedTicks, pause.Ticks);
    }

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
