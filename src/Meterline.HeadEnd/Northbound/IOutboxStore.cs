namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The outbox table. Rows are added in the same transaction as the data they describe (the reading store's batch
/// write and the command store's transition take them); a relay claims the oldest (<see cref="ClaimAsync"/>),
/// publishes them and deletes a row only after the broker confirmed it, or gives it back (<see cref="ReleaseAsync"/>).
/// </summary>
public interface IOutboxStore
{
    /// <summary>Adds entries in a transaction of their own (messages that describe no stored data of their own).</summary>
    Task AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>The oldest rows by sequence, claimed or not, at most <paramref name="limit"/> (1 to 10,000).</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the oldest rows nobody holds (never claimed, or their claim lapsed by <paramref name="now"/>), at most
    /// <paramref name="limit"/> (1 to 10,000), until <paramref name="until"/>, in one short transaction: on PostgreSQL
    /// rows another relay is claiming at the same moment are skipped (<c>FOR UPDATE SKIP LOCKED</c>), so two relays
    /// never hold the same row at once. Returns them oldest first.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int limit, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives claimed rows back undelivered: they may be claimed again from <paramref name="notBefore"/> on, and their
    /// <see cref="OutboxMessage.Attempts"/> rises by one. Rows no longer present are ignored.
    /// </summary>
    Task ReleaseAsync(IReadOnlyCollection<long> sequences, DateTimeOffset notBefore, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows with these sequences (those not present are ignored); returns how many were deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default);

    /// <summary>Rows in the outbox (a scan of the whole table: for tests and tools, not for a loop).</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Rows in the outbox, counted up to <paramref name="limit"/> (at least 1): the result is the count when it is
    /// below the limit and <paramref name="limit"/> otherwise; the work is bounded by the limit, not by the table.
    /// </summary>
    Task<long> CountAsync(long limit, CancellationToken cancellationToken = default);
}
