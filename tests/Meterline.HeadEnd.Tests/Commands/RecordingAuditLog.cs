using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Tests.Commands;

/// <summary>An audit log that keeps entries in order and runs a hook before each append (to observe ordering).</summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private readonly Lock _lock = new();
    private readonly List<AuditRecord> _entries = [];

    public Action<string>? BeforeAppend { get; set; }

    public Exception? Fail { get; set; }

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

    public IReadOnlyList<string> Actions => Entries.Select(e => e.Action).ToList();

    public Task<AuditRecord> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken = default)
    {
        if (Fail is { } failure)
        {
            throw failure;
        }

        BeforeAppend?.Invoke(action);
        lock (_lock)
        {
            var record = new AuditRecord(_entries.Count + 1, DateTimeOffset.UnixEpoch, actor, action, subject, detail, new byte[32], new byte[32]);
            _entries.Add(record);
            return Task.FromResult(record);
        }
    }
}
