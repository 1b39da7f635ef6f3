namespace Meterline.HeadEnd.Audit;

/// <summary>
/// The hash-chained audit log as the rest of the head-end uses it: an entry is durable when the task completes, so
/// callers append BEFORE the action they record runs.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends one entry; <paramref name="detail"/> is JSON (or empty) and never holds a secret.</summary>
    Task<AuditRecord> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken = default);
}
