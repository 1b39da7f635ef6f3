using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>An audit log that keeps its entries in a list (the hash chain is not what these tests are about).</summary>
internal sealed class RecordingAuditLog : IAuditLog
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
