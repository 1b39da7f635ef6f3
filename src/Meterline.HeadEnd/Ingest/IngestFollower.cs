namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The loop of a node part that follows committed records: it subscribes to the ingest feed and, round by round,
/// hands the caller at most <c>maxRecordsPerRound</c> records to note, then lets it act on what it noted. When the feed
/// dropped records since the last round, the round also hands the caller the meters those records touched
/// (<see cref="LostMeter"/>, with the span of their times; see <see cref="IngestSubscription"/>), and the caller acts on
/// them from the store as it would have on their records. Only when the feed could not remember which meters it lost
/// (more than <see cref="IngestPipelineOptions.SubscriberLostMeters"/>), when the caller cannot act on lost meters (the
/// overload without <c>noteLost</c>), or when the caller says it has too much to remember does the round become a full
/// pass (the caller acts on everything from the store instead). With a full-pass period it also runs one every period,
/// and optionally one at the start.
/// <para>
/// Why the lost meters rather than a feed sized for a whole burst: a feed of one <see cref="IngestPipelineOptions.MaxBatchRecords"/>
/// batch still overflows when the follower is busy for several batches (a burst is many batches), and sizing it for
/// the worst burst is unbounded. The meters a burst touches are far fewer than its records (a meter pushes several
/// readings and events per push), so a bounded set of meters covers bursts the record feed cannot, at a few tens of
/// bytes per meter, and the follower's work after a loss is proportional to the meters touched, not to the store.
/// </para>
/// Everything it holds is bounded: the subscription (the pipeline's subscriber capacity and lost meters) and the
/// records per round. What happened is counted in <see cref="Metrics"/>. Not thread-safe: one <see cref="RunAsync(Func{IngestedRecord, bool}, Func{LostMeter, bool}?, Func{CancellationToken, Task}, Func{CancellationToken, Task}, CancellationToken)"/> at a time.
/// </summary>
public sealed class IngestFollower : IDisposable
{
    private readonly IngestSubscription _subscription;
    private readonly int _maxRecordsPerRound;
    private readonly TimeSpan? _fullPassPeriod;
    private readonly bool _fullPassAtStart;
    private readonly TimeProvider _time;
    private readonly double _share;
    private readonly TimeSpan _maxPause;

    /// <param name="pipeline">The feed to follow.</param>
    /// <param name="maxRecordsPerRound">Records taken per round, at least 1.</param>
    /// <param name="fullPassPeriod">How often a full pass runs regardless of the feed; null: only after a loss.</param>
    /// <param name="fullPassAtStart">Whether the first thing <see cref="RunAsync"/> does is a full pass.</param>
    /// <param name="time">The clock of the period.</param>
    public IngestFollower(IngestPipeline pipeline, int maxRecordsPerRound, TimeSpan? fullPassPeriod = null, bool fullPassAtStart = false, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordsPerRound, 1);
        if (fullPassPeriod is { } period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(fullPassPeriod));
        }

        _maxRecordsPerRound = maxRecordsPerRound;
        _fullPassPeriod = fullPassPeriod;
        _fullPassAtStart = fullPassAtStart;
        _time = time ?? TimeProvider.System;
        _share = pipeline.Options.FollowerShare;
        _maxPause = pipeline.Options.FollowerMaxPause;
        _subscription = pipeline.Subscribe();
    }

    /// <summary>Records the feed dropped because this follower fell behind.</summary>
    public long Dropped => _subscription.Dropped;

    /// <summary>Rounds, lost-meter rounds and full passes.</summary>
    public IngestFollowerMetrics Metrics { get; } = new();

    /// <summary>
    /// Follows the feed until it completes or <paramref name="cancellationToken"/> is cancelled (then returns quietly);
    /// any loss of the feed makes the next round a full pass.
    /// </summary>
    /// <param name="note">Notes one record; false when the caller now holds too much to remember (the round becomes a full pass).</param>
    /// <param name="round">Acts on what was noted this round.</param>
    /// <param name="fullPass">Acts on everything from the store; the caller forgets what it noted.</param>
    /// <param name="cancellationToken">Stops following.</param>
    public Task RunAsync(Func<IngestedRecord, bool> note, Func<CancellationToken, Task> round, Func<CancellationToken, Task> fullPass, CancellationToken cancellationToken) =>
        RunAsync(note, null, round, fullPass, cancellationToken);

    /// <summary>
    /// Follows the feed until it completes or <paramref name="cancellationToken"/> is cancelled (then returns quietly).
    /// </summary>
    /// <param name="note">Notes one record; false when the caller now holds too much to remember (the round becomes a full pass).</param>
    /// <param name="noteLost">
    /// Notes a meter whose records the feed lost (the round then acts on it from the store); false when the caller now
    /// holds too much to remember. Null: the caller cannot act on a meter without its records, so a loss means a full pass.
    /// </param>
    /// <param name="round">Acts on what was noted this round.</param>
    /// <param name="fullPass">Acts on everything from the store; the caller forgets what it noted.</param>
    /// <param name="cancellationToken">Stops following.</param>
    public async Task RunAsync(Func<IngestedRecord, bool> note, Func<LostMeter, bool>? noteLost, Func<CancellationToken, Task> round, Func<CancellationToken, Task> fullPass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(fullPass);
        using var timer = _fullPassPeriod is { } period ? new PeriodicTimer(period, _time) : null;
        var tick = timer?.WaitForNextTickAsync(cancellationToken).AsTask();
        var reader = _subscription.Reader;
        var fullPassDue = _fullPassAtStart;
        var afterLoss = false;
        var noted = false;
        var notedRecords = 0;
        var lostMeters = 0;
        Task? pause = null;
        Task<bool>? read = null;
        try
        {
            while (true)
            {
                if (fullPassDue)
                {
                    fullPassDue = false;
                    noted = false;
                    notedRecords = 0;
                    Metrics.OnFullPass(afterLoss);
                    afterLoss = false;
                    var started = _time.GetTimestamp();
                    await fullPass(cancellationToken).ConfigureAwait(false);
                    pause = PauseAfter(started, cancellationToken);
                    continue;
                }

                if (noted && (pause is null || pause.IsCompleted))
                {
                    noted = false;
                    notedRecords = 0;
                    Metrics.OnRound(lostMeters);
                    lostMeters = 0;
                    var started = _time.GetTimestamp();
                    await round(cancellationToken).ConfigureAwait(false);
                    pause = PauseAfter(started, cancellationToken);
                    continue;
                }

                Metrics.CaughtUp = !noted && reader.Count == 0;

                // Noted records wait for the pause's end; meanwhile what arrives is noted too, up to the round's bound
                // (past it the feed holds the rest, and what it cannot hold it loses and names: see IngestSubscription).
                var full = notedRecords >= _maxRecordsPerRound;
                if (!full)
                {
                    read ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                }

                var waitingFor = noted ? pause : null;
                var woken = await Task.WhenAny(Waiting(full ? null : read, tick, waitingFor)).ConfigureAwait(false);
                Metrics.CaughtUp = false;
                if (woken == waitingFor)
                {
                    continue;
                }

                if (woken == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    fullPassDue = true;
                    tick = timer!.WaitForNextTickAsync(cancellationToken).AsTask();
                    continue;
                }

                if (!await read!.ConfigureAwait(false))
                {
                    return;
                }

                read = null;
                var taken = 0;
                var overflow = false;
                for (; notedRecords < _maxRecordsPerRound && reader.TryRead(out var record); taken++, notedRecords++)
                {
                    overflow |= !note(record);
                }

                // Taken after the records: every loss before the last record read is in it (see IngestSubscription).
                var lost = _subscription.TakeLost();
                overflow |= lost.Overflowed || (noteLost is null && !lost.IsEmpty);
                for (var i = 0; !overflow && i < lost.Meters.Count; i++)
                {
                    overflow |= !noteLost!(lost.Meters[i]);
                }

                if (overflow)
                {
                    // Lost records the feed cannot name, or too much to remember: the store has everything, so the caller acts on all of it.
                    fullPassDue = true;
                    afterLoss = true;
                    continue;
                }

                if (taken > 0 || !lost.IsEmpty)
                {
                    lostMeters += lost.Meters.Count;
                    noted = true;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Metrics.CaughtUp = false;
        }
    }

    /// <summary>The pause before the next round after one that started at <paramref name="started"/> (see <see cref="IngestPipelineOptions.FollowerShare"/>); null: none.</summary>
    private Task? PauseAfter(long started, CancellationToken cancellationToken)
    {
        var took = _time.GetElapsedTime(started);
        var wait = _share >= 1 ? TimeSpan.Zero : took * ((1 - _share) / _share);
        if (wait > _maxPause)
        {
            wait = _maxPause;
        }

        Metrics.OnRoundTime(took, wait);
        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : null;
    }

    private static IEnumerable<Task> Waiting(Task? read, Task? tick, Task? pause)
    {
        if (read is not null)
        {
            yield return read;
        }

        if (tick is not null)
        {
            yield return tick;
        }

        if (pause is not null)
        {
            yield return pause;
        }
    }

    public void Dispose() => _subscription.Dispose();
}
