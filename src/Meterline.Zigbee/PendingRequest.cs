using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>
/// A request waiting for its response under a frame id. A collector (node discovery) sees every response with the id
/// and says when the last has come; otherwise the first response of the expected type completes it.
/// </summary>
internal sealed class PendingRequest(byte frameId, XBeeFrameType expected, Func<XBeeFrame, bool>? collector)
{
    private readonly TaskCompletionSource<XBeeFrame> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public byte FrameId { get; } = frameId;

    public XBeeFrameType Expected { get; } = expected;

    public Task<XBeeFrame> Response => _response.Task;

    /// <summary>Returns false when the frame is not of the expected type (a stale id), and leaves the request waiting.</summary>
    public bool Offer(XBeeFrame frame)
    {
        if (frame.FrameType != Expected)
        {
            return false;
        }

        if (collector is null || collector(frame))
        {
            _response.TrySetResult(frame);
        }

        return true;
    }

    public void Fail(Exception error) => _response.TrySetException(error);
}
