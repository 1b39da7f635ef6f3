using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>
/// A frame sink that holds every submission until the test opens its gate (an ingest pipeline that has stopped
/// draining), counting what it was given and what was refused unread.
/// </summary>
internal sealed class GatedFrameSink : IInboundFrameSink
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IngestRejectReason> _unread = [];
    private int _submitted;

    /// <summary>Frames handed to <see cref="SubmitAsync"/> (counted as they arrive, before the gate).</summary>
    public int Submitted => Volatile.Read(ref _submitted);

    public IReadOnlyList<IngestRejectReason> Unread
    {
        get
        {
            lock (_unread)
            {
                return [.. _unread];
            }
        }
    }

    public void Open() => _open.TrySetResult();

    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail)
    {
        lock (_unread)
        {
            _unread.Add(reason);
        }
    }

    public async ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _submitted);
        await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return FrameAdmission.Queued;
    }
}
