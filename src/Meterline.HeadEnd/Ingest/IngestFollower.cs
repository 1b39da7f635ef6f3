namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The loop of a node part that follows committed records: it subscribes to the ingest feed and, round by round,
/// hands the caller at most <c>maxRecordsPerRound</c> records to note, then lets it act on what it noted. When the feed
/// dropped records since the last round, or the caller says it has too much to remember, the round becomes a full
/// pass (the caller acts on everything from the store instead); with a full-pass period it also runs one every period,
/// and optionally one at the start. Everything it holds is bounded: the subscription (the pipeline's subscriber
/// capacity) and the records per round. Not thread-safe: one <see cref="RunAsync"/> at a time.
/// </summary>
public sealed class IngestFollower : IDisposable
{
    private readonly IngestSubscription _subscription;
    private readonly int _maxRecordsPerRound;
    private readonly TimeSpan? _fullPassPeriod;
    private readonly bool _fullPassAtStart;
    private readonly TimeProvider _time;
    private long _droppedSeen;

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
        _subscription = pipeline.Subscribe();
    }

    /// <summary>Records the feed dropped because this follower fell behind.</summary>
    public long Dropped => _subscription.Dropped;

    /// <summary>
    /// Follows the feed until it completes or <paramref name="cancellationToken"/> is cancelled (then returns quietly).
    /// </summary>
    /// <param name="note">Notes one record; false when the caller now holds too much to remember (the round becomes a full pass).</param>
    /// <param name="round">Acts on what was noted this round.</param>
    /// <param name="fullPass">Acts on everything from the store; the caller forgets what it noted.</param>
    /// <param name="cancellationToken">Stops following.</param>
    public async Task RunAsync(Func<IngestedRecord, bool> note, Func<CancellationToken, Task> round, Func<CancellationToken, Task> fullPass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(fullPass);
        using var timer = _fullPassPeriod is { } period ? new PeriodicTimer(period, _time) : null;
        var tick = timer?.WaitForNextTickAsync(cancellationToken).AsTask();
        var reader = _subscription.Reader;
        var fullPassDue = _fullPassAtStart;
        Task<bool>? read = null;
        try
        {
            while (true)
            {
                if (fullPassDue)
                {
                    fullPassDue = false;
                    await fullPass(cancellationToken).ConfigureAwait(false);
                }

                read ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                if (tick is not null && await Task.WhenAny(read, tick).ConfigureAwait(false) == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    fullPassDue = true;
                    tick = timer!.WaitForNextTickAsync(cancellationToken).AsTask();
                    continue;
                }

                if (!await read.ConfigureAwait(false))
                {
                    return;
                }

                read = null;
                var overflow = false;
                for (var taken = 0; taken < _maxRecordsPerRound && reader.TryRead(out var record); taken++)
                {
                    overflow |= !note(record);
                }

                var dropped = _subscription.Dropped;
                if (dropped != _droppedSeen || overflow)
                {
                    // Lost records or too much to remember: the store has everything, so the caller acts on all of it.
                    _droppedSeen = dropped;
                    fullPassDue = true;
                    continue;
                }

                await round(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => _subscription.Dispose();
}
