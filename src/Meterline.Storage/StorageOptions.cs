namespace Meterline.Storage;

/// <summary>How a head-end database is opened.</summary>
public sealed record StorageOptions
{
    public static readonly StorageOptions Default = new();

    /// <summary>The clock for the times storage records itself (when a migration was applied).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>SQLite: read-only connections kept beside the one writer (1 to 64).</summary>
    public int SqliteReaderConnections { get; init; } = 4;

    /// <summary>SQLite: how long a statement waits for a lock held by another process before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one statement may run (both engines).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(120);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(SqliteReaderConnections, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SqliteReaderConnections, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BusyTimeout, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandTimeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CommandTimeout, TimeSpan.FromHours(1));
    }
}
