using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Access;

/// <summary>
/// Audits refusals (401, 403, failed and throttled sign-ins) without letting a flood flood the audit log: at most one
/// entry per (source, action) per <see cref="Window"/>, from a table of at most <c>maxKeys</c> pairs (<see cref="AuditWindowLimiter{TKey}"/>). What is not
/// audited is counted (<see cref="Suppressed"/>, <see cref="Dropped"/>). Thread-safe.
/// </summary>
public sealed class DenialAuditor
{
    private readonly IAuditLog _audit;
    private readonly AuditWindowLimiter<(string Source, string Action)> _limiter;
    private long _written;

    public DenialAuditor(IAuditLog audit, TimeProvider time, TimeSpan window, int maxKeys = 10_000)
    {
        ArgumentNullException.ThrowIfNull(audit);
        _audit = audit;
        _limiter = new AuditWindowLimiter<(string, string)>(time, window, maxKeys);
    }

    public TimeSpan Window => _limiter.Window;

    /// <summary>Refusals not audited because the same (source, action) was audited within the window.</summary>
    public long Suppressed => _limiter.Suppressed;

    /// <summary>Refusals not audited because the table of pairs was full.</summary>
    public long Dropped => _limiter.Dropped;

    /// <summary>Entries written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Audits a refusal unless one of the same source and action was audited within the window; true if it wrote an entry.</summary>
    /// <param name="source">Where the request came from (the remote address).</param>
    /// <param name="action">The audit action, e.g. <c>access.denied</c>.</param>
    /// <param name="actor">Who asked: the authenticated name, or "anonymous".</param>
    /// <param name="subject">What was asked for: method and path, or the user name of a sign-in.</param>
    /// <param name="detail">Non-secret facts.</param>
    public async Task<bool> ReportAsync(string source, string action, string actor, string subject, AuditDetail detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(detail);
        if (!_limiter.TryAdmit((source, action)))
        {
            return false;
        }

        await _audit.AppendAsync(actor, action, subject, detail.Add("source", source).ToString(), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _written);
        return true;
    }
}
