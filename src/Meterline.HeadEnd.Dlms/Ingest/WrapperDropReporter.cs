using System.Globalization;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// Refuses at the ingest sink what one wrapper connection's frame reader dropped before it made frames, so that an
/// oversize frame or bytes that are no frame are counted and audited like any refused frame: each header announcing
/// more than the largest APDU as <see cref="IngestRejectReason.Oversize"/> (its body is skipped with it), each run of
/// bytes that are no frame as <see cref="IngestRejectReason.Malformed"/>, and a frame whose remaining bytes did not
/// come within the inter-frame timeout (a header then silence) as <see cref="IngestRejectReason.SlowSender"/>. Call it
/// after each frame and when the connection ends. Not thread-safe: one per connection.
/// </summary>
internal sealed class WrapperDropReporter(IInboundFrameSink sink, string linkId, string source, int maxApduLength, TimeSpan interFrameTimeout)
{
    private long _slow;
    private long _oversize;
    private long _garbageRuns;
    private long _garbageBytes;

    public void Report(WrapperLink link)
    {
        var slow = link.PartialFramesTimedOut;
        for (var i = _slow; i < slow; i++)
        {
            sink.RejectUnread(linkId, source, IngestRejectReason.SlowSender,
                string.Create(CultureInfo.InvariantCulture, $"a frame's remaining bytes did not arrive within {interFrameTimeout.TotalSeconds:0.###} s"));
        }

        _slow = slow;
        Report(link.Statistics);
    }

    private void Report(WrapperFrameReader reader)
    {
        var oversize = reader.OversizeFrames;
        var garbageRuns = reader.GarbageRuns;
        var garbageBytes = reader.GarbageBytes;
        for (var i = _oversize; i < oversize; i++)
        {
            sink.RejectUnread(linkId, source, IngestRejectReason.Oversize, string.Create(CultureInfo.InvariantCulture, $"a frame header announcing more than {maxApduLength} bytes"));
        }

        for (var i = _garbageRuns; i < garbageRuns; i++)
        {
            sink.RejectUnread(linkId, source, IngestRejectReason.Malformed, string.Create(CultureInfo.InvariantCulture, $"bytes that are no wrapper frame ({garbageBytes - _garbageBytes} skipped since the last report)"));
        }

        _oversize = oversize;
        _garbageRuns = garbageRuns;
        _garbageBytes = garbageBytes;
    }
}
