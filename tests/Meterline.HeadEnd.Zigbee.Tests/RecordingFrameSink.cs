using System.Threading.Channels;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>An inbound frame sink that records every frame and answers with what the test decides (or throws).</summary>
internal sealed class RecordingFrameSink(Func<InboundFrame, FrameAdmission>? answer = null) : IInboundFrameSink
{
    private readonly Channel<InboundFrame> _frames = Channel.CreateUnbounded<InboundFrame>();

    public ChannelReader<InboundFrame> Frames => _frames.Reader;

    /// <summary>Drops reported before a frame could be read (the Zigbee adapter reports none: its frames arrive whole).</summary>
    public List<(string LinkId, string Source, IngestRejectReason Reason, string Detail)> Unread { get; } = [];

    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail)
    {
        lock (Unread)
        {
            Unread.Add((linkId, source, reason, detail));
        }
    }

    public ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default)
    {
        _frames.Writer.TryWrite(frame);
        return ValueTask.FromResult(answer?.Invoke(frame) ?? FrameAdmission.Queued);
    }
}
