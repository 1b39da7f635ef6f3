namespace Meterline.HeadEnd.Ingest;

/// <summary>The pipeline's queues, batching and retry limits (see docs/ingest.md).</summary>
public sealed record IngestPipelineOptions
{
    public IngressGuardOptions Guard { get; init; } = new();

    /// <summary>
    /// Whether the push counter marks are loaded from the store at start (true), or begin empty and hold only this
    /// node's own commits (false). Several nodes sharing a broker's shared subscription commit one meter's pushes out
    /// of order: a node coming back after a crash is redelivered the older pushes its session held while the others
    /// committed later ones, and the marks they stored would refuse those as replays and lose them. Without loading,
    /// such a push is decrypted and stored (readings and events are keyed, so a true replay stores nothing new); the
    /// replay check before decryption covers what this node committed since its start (docs/deployment.md).
    /// </summary>
    public bool LoadCounterMarks { get; init; } = true;

    /// <summary>
    /// Usage pushes waiting for the batch writer; when full, a new usage push is shed (acknowledged as failed) — at once
    /// if its transport acknowledges (the meter sends it again), after <see cref="UnacknowledgedWait"/> if not.
    /// </summary>
    public int UsageQueueCapacity { get; init; } = 20_000;

    /// <summary>
    /// How long a submitter of a usage push without an acknowledgement (the TCP/UDP wrapper) waits for room in the full
    /// usage queue before the push is shed. Shedding such a push loses it (its meter counts it delivered); waiting
    /// holds the transport's read loop, so TCP flow control slows the sender instead. Zero sheds at once.
    /// </summary>
    public TimeSpan UnacknowledgedWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Alerts waiting for the batch writer; when full, submitters wait up to <see cref="PriorityWait"/>.</summary>
    public int PriorityQueueCapacity { get; init; } = 2_000;

    /// <summary>How long a submitter waits for room in the priority queue before the alert is shed (acknowledged as failed).</summary>
    public TimeSpan PriorityWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Records (readings + snapshots + events) per write transaction at most.</summary>
    public int MaxBatchRecords { get; init; } = 5_000;

    /// <summary>How long the writer collects after the first push of a batch before it writes.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The first back-off after a failed write; doubled each time up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts at one batch before it is given up (its frames were already acknowledged as failed).</summary>
    public int MaxWriteAttempts { get; init; } = 12;

    /// <summary>Records each subscriber's feed holds before it loses the oldest.</summary>
    public int SubscriberCapacity { get; init; } = 10_000;

    /// <summary>
    /// Meters each subscriber's feed remembers as touched by the records it lost (<see cref="IngestSubscription"/>), so
    /// that its follower acts on those meters from the store rather than on every meter; past it, a full pass.
    /// </summary>
    public int SubscriberLostMeters { get; init; } = 10_000;

    public int MaxSubscribers { get; init; } = 16;

    /// <summary>
    /// The share of its time a follower of committed records (<see cref="IngestFollower"/>) may spend in rounds while
    /// records keep coming: after a round that took <c>d</c> it notes what arrives for <c>d × (1 − share) / share</c>
    /// (at most <see cref="FollowerMaxPause"/>) before its next round, so that under a burst each round covers more
    /// meters and the followers leave the cores to ingest; when it is idle the next round starts at once. 1: no pause.
    /// </summary>
    public double FollowerShare { get; init; } = 0.25;

    /// <summary>The longest pause between a follower's rounds that <see cref="FollowerShare"/> may ask for.</summary>
    public TimeSpan FollowerMaxPause { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        Guard.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(UsageQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PriorityQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PriorityWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(UnacknowledgedWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, MinRetryDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWriteAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberLostMeters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscribers, 1);
        if (!(FollowerShare > 0 && FollowerShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FollowerShare), FollowerShare, "A share of time in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FollowerMaxPause, TimeSpan.Zero);
    }
}
