using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Testing;

/// <summary>The audit log's storage in memory, for unit tests. <see cref="Tamper"/> lets a test alter a stored entry.</summary>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly List<AuditRecord> _records = [];

    public Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.Count == 0 ? null : _records[^1]);
        }
    }

    public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            var expected = _records.Count + 1L;
            foreach (var record in records)
            {
                if (record.Sequence != expected++)
                {
                    throw new AuditConflictException($"Audit sequence {record.Sequence} is not the next one.");
                }
            }

            _records.AddRange(records);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<AuditRecord> copy;
        lock (_lock)
        {
            copy = _records.Where(r => r.Sequence >= fromSequence).ToList();
        }

        foreach (var record in copy)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
            await Task.Yield();
        }
    }

    public Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<AuditRecord> list = _records.Where(r => subject is null || r.Subject == subject).Reverse().Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    /// <summary>Replaces a stored entry as an attacker with database access might.</summary>
    public void Tamper(long sequence, Func<AuditRecord, AuditRecord> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            var index = _records.FindIndex(r => r.Sequence == sequence);
            _records[index] = change(_records[index]);
        }
    }
}
