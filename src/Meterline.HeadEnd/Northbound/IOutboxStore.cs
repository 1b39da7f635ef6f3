namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The outbox table. Rows are added in the same transaction as the data they describe (the reading store's batch
/// write and the command store's transition take them); the relay reads the oldest, publishes them and deletes a row
/// only after the broker confirmed it.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Adds entries in a transaction of their own (messages that describe no stored data of their own).</summary>
    Task AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>The oldest rows by sequence, at most <paramref name="limit"/> (1 to 10,000).</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows with these sequences (those not present are ignored); returns how many were deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default);

    /// <summary>Rows in the outbox.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);
}
