namespace Meterline.HeadEnd.Ingest;

/// <summary>Where transport receivers hand inbound frames (the <see cref="IngestPipeline"/>).</summary>
public interface IInboundFrameSink
{
    /// <summary>
    /// Checks, authenticates and queues one frame; returns when it is queued or refused (its acknowledgement is
    /// completed later, after the commit). May wait while the priority queue is full.
    /// </summary>
    ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Refuses what a transport dropped before it became a frame — a header announcing more than the largest APDU
    /// (<see cref="IngestRejectReason.Oversize"/>), bytes that are no frame at all (<see cref="IngestRejectReason.Malformed"/>)
    /// — counted and audited like a refused frame.
    /// </summary>
    /// <param name="linkId">The link it came over.</param>
    /// <param name="source">The sender's network address.</param>
    /// <param name="reason">Why it was dropped.</param>
    /// <param name="detail">What was dropped, for the audit entry (sizes, never content).</param>
    void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail);
}
