using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Meterline.HeadEnd.Audit;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Audits refused frames without letting a flood flood the audit log: at most one entry per (source, reason) per
/// <see cref="Window"/>, from a table of at most <c>maxKeys</c> pairs (<see cref="AuditWindowLimiter{TKey}"/>), through a queue of at most
/// <c>queueCapacity</c> entries that <see cref="RunAsync"/> writes to the <see cref="IAuditLog"/>. What is not
/// audited is still counted (<see cref="Suppressed"/>, <see cref="Dropped"/>). Thread-safe.
/// </summary>
public sealed class RejectionAuditor
{
    private readonly IAuditLog _audit;
    private readonly AuditWindowLimiter<(string Source, IngestRejectReason Reason)> _limiter;
    private readonly Channel<PendingAudit> _queue;
    private long _written;
    private long _failed;

    public RejectionAuditor(IAuditLog audit, TimeProvider time, TimeSpan window, int maxKeys = 10_000, int queueCapacity = 1_024)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _audit = audit;
        _limiter = new AuditWindowLimiter<(string, IngestRejectReason)>(time, window, maxKeys);
        _queue = Channel.CreateBounded<PendingAudit>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public TimeSpan Window => _limiter.Window;

    /// <summary>Rejections not audited because the same (source, reason) was audited within the window.</summary>
    public long Suppressed => _limiter.Suppressed;

    /// <summary>Rejections not audited because the table of pairs or the queue was full.</summary>
    public long Dropped => _limiter.Dropped;

    /// <summary>Entries written to the audit log.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Entries the audit log failed to take.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Entries waiting to be written.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues an audit entry for a refused frame unless one for the same source and reason was queued within the window.</summary>
    /// <param name="source">The sending address (the entry's actor).</param>
    /// <param name="reason">Why it was refused.</param>
    /// <param name="subject">The meter's serial, or its claimed system title, or the source.</param>
    /// <param name="details">Non-secret facts for the entry's JSON detail (link, system title, counter, ...).</param>
    public void Report(string source, IngestRejectReason reason, string subject, IReadOnlyList<KeyValuePair<string, string>> details)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(details);
        _limiter.TryAdmit((source, reason), () => _queue.Writer.TryWrite(new PendingAudit(source, "frame.rejected." + reason.Tag(), subject, ToJson(reason, details))));
    }

    /// <summary>Writes queued entries to the audit log until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes every entry queued now; returns how many were written.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        var written = 0;
        var limit = _queue.Reader.Count;
        while (written < limit && _queue.Reader.TryRead(out var entry))
        {
            try
            {
                await _audit.AppendAsync(entry.Actor, entry.Action, entry.Subject, entry.Detail, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _written);
                written++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
            }
        }

        return written;
    }

    private static string ToJson(IngestRejectReason reason, IReadOnlyList<KeyValuePair<string, string>> details)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("reason", reason.Tag());
            foreach (var (name, value) in details)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed record PendingAudit(string Actor, string Action, string Subject, string Detail);
}
