namespace Meterline.HeadEnd.Commands;

/// <summary>Limits and timers of <see cref="CommandDispatcher"/>.</summary>
public sealed record CommandDispatcherOptions
{
    /// <summary>Commands running at once, over all meters (each meter runs one at a time).</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>How often the store is asked for due commands when nothing wakes the dispatcher.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requested commands looked at per pass (oldest first); more than <see cref="MaxConcurrency"/> so busy meters do not block others.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Sent commands resolved at start, at most (in pages of <see cref="BatchSize"/>).</summary>
    public int MaxRecovered { get; init; } = 100_000;

    /// <summary>How long restart recovery may spend reading one meter's relay.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// This node's name, recorded on the commands it sends: unique among the nodes sharing one database and the same
    /// across restarts of one node (a starting node resolves the Sent commands recorded under its name).
    /// </summary>
    public string NodeName { get; init; } = Environment.MachineName;

    /// <summary>
    /// How long after its deadline a Sent command of another node counts as orphaned (its node stopped and did not come
    /// back) and is resolved here; longer than a node needs to record a command's end after its deadline.
    /// </summary>
    public TimeSpan OrphanGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the store is asked for orphaned Sent commands of other nodes.</summary>
    public TimeSpan OrphanCheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>State changes kept for the live feed until read; older ones are dropped (and counted) when it is full.</summary>
    public int NotificationCapacity { get; init; } = 1024;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecovered, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(NotificationCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RecoveryTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OrphanGrace, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OrphanCheckInterval, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrWhiteSpace(NodeName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(NodeName.Length, 256, nameof(NodeName));
    }
}
