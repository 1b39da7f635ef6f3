namespace Meterline.HeadEnd.Ingest;

/// <summary>Where transport receivers hand inbound frames (the <see cref="IngestPipeline"/>).</summary>
public interface IInboundFrameSink
{
    /// <summary>
    /// Checks, authenticates and queues one frame; returns when it is queued or refused (its acknowledgement is
    /// completed later, after the commit). May wait while the priority queue is full.
    /// </summary>
    ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default);
}
