namespace Meterline.HeadEnd.Northbound;

/// <summary>The outbox's bounds and the relay's pace (docs/northbound.md, "Outbox sizing").</summary>
public sealed record NorthboundOptions
{
    /// <summary>The outbox holds at most this many messages; a write that would add more is refused (<see cref="OutboxFullException"/>).</summary>
    public long MaxMessages { get; init; } = 2_000_000;

    /// <summary>Past this many messages the alarm is raised (audited once, metric) until the outbox falls below <see cref="LowWaterMark"/>.</summary>
    public long HighWaterMark { get; init; } = 1_000_000;

    /// <summary>Below this many the alarm is cleared (audited once).</summary>
    public long LowWaterMark { get; init; } = 500_000;

    /// <summary>Rows claimed and published per round.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>
    /// Rounds published while earlier ones still wait for the broker's confirms; <see cref="BatchSize"/> times this is
    /// the bound of messages in flight. 1 (the default) publishes round by round: overlapping rounds raised nothing
    /// measurable with the broker on the node's machine (BENCHMARKS.md, "Publish rate"); it may with a distant broker.
    /// </summary>
    public int RoundsInFlight { get; init; } = 1;

    /// <summary>
    /// How long a relay holds the rows it claimed. A relay that dies holding rows (a crashed node) leaves them to be
    /// taken over after this; it must be longer than a round takes (the publisher's confirm timeout, 30 s by default).
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The first delay before an unroutable message is published again; it doubles per attempt up to <see cref="MaxUnroutableDelay"/>.</summary>
    public TimeSpan MinUnroutableDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxUnroutableDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the relay waits for new rows when the outbox is empty (a write also wakes it).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first delay after a failed publish; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the relay counts the outbox's rows in the database (other writers, other nodes), up to <see cref="MaxMessages"/>.</summary>
    public TimeSpan CountInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unroutable messages are audited at most once per message type per window.</summary>
    public TimeSpan AuditWindow { get; init; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HighWaterMark, MaxMessages);
        ArgumentOutOfRangeException.ThrowIfLessThan(HighWaterMark, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(LowWaterMark, HighWaterMark);
        ArgumentOutOfRangeException.ThrowIfNegative(LowWaterMark);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(RoundsInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RoundsInFlight, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClaimLease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinUnroutableDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnroutableDelay, MinUnroutableDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, MinRetryDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CountInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AuditWindow, TimeSpan.Zero);
    }
}
