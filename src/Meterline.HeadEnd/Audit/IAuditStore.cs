namespace Meterline.HeadEnd.Audit;

/// <summary>Storage of the audit log. Sequence numbers are unique: appending a sequence already present fails with <see cref="AuditConflictException"/>.</summary>
public interface IAuditStore
{
    /// <summary>The last entry, or null for an empty log.</summary>
    Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends entries (consecutive sequences, each after the last stored) in one durable transaction.</summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Entries from <paramref name="fromSequence"/> on, in order.</summary>
    IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, CancellationToken cancellationToken = default);

    /// <summary>The newest entries matching an optional subject, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default);
}
