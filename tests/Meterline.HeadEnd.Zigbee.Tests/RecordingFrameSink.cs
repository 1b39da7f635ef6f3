using System.Threading.Channels;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>An inbound frame sink that records every frame and answers with what the test decides (or throws).</summary>
internal sealed class RecordingFrameSink(Func<InboundFrame, FrameAdmission>? answer = null) : IInboundFrameSink
{
    private readonly Channel<InboundFrame> _frames = Channel.CreateUnbounded<InboundFrame>();
    private readonly List<(string LinkId, string Source, IngestRejectReason Reason, string Detail)> _unread = [];

    public ChannelReader<InboundFrame> Frames => _frames.Reader;

    /// <summary>Input the transport dropped before submitting it (the Zigbee adapter reports an oversize push).</summary>
    public IReadOnlyList<(string LinkId, string Source, IngestRejectReason Reason, string Detail)> Unread
    {
        get
        {
            lock (_unread)
            {
                return [.. _unread];
            }
        }
    }

    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail)
    {
        lock (_unread)
        {
            _unread.Add((linkId, source, reason, detail));
        }
    }

    public ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default)
    {
        _frames.Writer.TryWrite(frame);
        return ValueTask.FromResult(answer?.Invoke(frame) ?? FrameAdmission.Queued);
    }
}
