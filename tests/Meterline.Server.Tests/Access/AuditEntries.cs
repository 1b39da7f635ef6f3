using Meterline.HeadEnd.Audit;

namespace Meterline.Server.Tests.Access;

/// <summary>An audit log that keeps its entries in memory, in order.</summary>
internal sealed class AuditEntries : IAuditLog
{
    private readonly Lock _lock = new();
    private readonly List<AuditRecord> _entries = [];

    public IReadOnlyList<AuditRecord> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public Task<AuditRecord> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var record = new AuditRecord(_entries.Count + 1, DateTimeOffset.UnixEpoch, actor, action, subject, detail, new byte[32], new byte[32]);
            _entries.Add(record);
            return Task.FromResult(record);
        }
    }
}
