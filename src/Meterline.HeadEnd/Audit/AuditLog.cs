namespace Meterline.HeadEnd.Audit;

/// <summary>
/// The hash-chained audit log over an <see cref="IAuditStore"/>. Appends are serialised; each is durable before it
/// returns. The last entry is read when the log is opened; when another writer (another node, or a tool on the same
/// database) appended first (an <see cref="AuditConflictException"/>), the log re-reads the tail and chains again, up
/// to <see cref="MaxAttempts"/> attempts in all; the last conflict is thrown to the caller. Times are UTC, truncated
/// to whole microseconds so that every store round-trips them exactly.
/// </summary>
public sealed class AuditLog : IAuditLog, IDisposable
{
    /// <summary>
    /// Attempts at one append while other writers keep taking the next sequence: a busy node appends many entries a
    /// second, so a second writer can lose the race more than once in a row.
    /// </summary>
    public const int MaxAttempts = 5;

    private readonly IAuditStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuditRecord? _last;

    private AuditLog(IAuditStore store, TimeProvider time, AuditRecord? last)
    {
        _store = store;
        _time = time;
        _last = last;
    }

    /// <summary>Opens the log: reads its last entry.</summary>
    public static async Task<AuditLog> OpenAsync(IAuditStore store, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var last = await store.GetLastAsync(cancellationToken).ConfigureAwait(false);
        return new AuditLog(store, time, last);
    }

    public async Task<AuditRecord> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken = default)
    {
        // Validate before waiting: a bad entry is refused without touching the log.
        _ = AuditChain.ComputeHash(1, default, actor, action, subject, detail, AuditChain.Genesis.Span);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var record = AuditChain.Next(_last, Now(), actor, action, subject, detail);
                try
                {
                    await _store.AppendAsync([record], cancellationToken).ConfigureAwait(false);
                    _last = record;
                    return record;
                }
                catch (AuditConflictException) when (attempt < MaxAttempts)
                {
                    _last = await _store.GetLastAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }
}
