using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee;

/// <summary>The read loop: dispatch by frame type, the address table, reassembly, shutdown.</summary>
public sealed partial class XBeeCoordinator
{
    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var frames = new XBeeFrameStreamReader(_stream, _reader, () => _mode);
        Exception? error = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await frames.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    error = _stop.IsCancellationRequested ? null : new XBeeException("The coordinator's byte stream ended.", isTransient: true);
                    break;
                }

                Dispatch(frame);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            error = _stop.IsCancellationRequested ? null : new XBeeException("Reading from the coordinator module failed.", isTransient: true, e);
        }
        finally
        {
            Shutdown(error);
        }
    }

    private void Shutdown(Exception? error)
    {
        _frameIds.FailAll(error ?? new ObjectDisposedException(nameof(XBeeCoordinator)));
        _nodes.Close(error);
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    private void Dispatch(XBeeFrame frame)
    {
        switch (frame)
        {
            case AtCommandResponse response:
                Offer(response.FrameId, response);
                break;
            case RemoteAtCommandResponse response:
                Offer(response.FrameId, response);
                break;
            case TransmitStatus status:
                Offer(status.FrameId, status);
                break;
            case ReceivePacket packet:
                Receive(packet.Source64, packet.Source16, packet.Data.Span);
                break;
            case ExplicitRxIndicator packet:
                Receive(packet.Source64, packet.Source16, packet.Data.Span);
                break;
            case NodeIdentificationIndicator indicator:
                _nodes.Observe(indicator.Remote64, indicator.Remote16, indicator.NodeIdentifier, NodeJoinReason.NodeIdentification);
                break;
            case ModemStatus modem:
                Interlocked.Increment(ref _modemStatuses);
                Volatile.Write(ref _lastModemStatus, (int)modem.Status);
                break;
            default:
                Interlocked.Increment(ref _unhandledFrames);
                break;
        }
    }

    private void Offer(byte frameId, XBeeFrame response)
    {
        if (!_frameIds.Offer(frameId, response))
        {
            Interlocked.Increment(ref _unmatchedResponses);
        }
    }

    private void Receive(XBeeAddress64 source64, XBeeAddress16 source16, ReadOnlySpan<byte> data)
    {
        var node = _nodes.Observe(source64, source16, null, NodeJoinReason.FirstHeard);
        if (node is null)
        {
            return;
        }

        if (Reassembler.Accept(source64, data, out var message) == SegmentOutcome.MessageComplete)
        {
            node.Deliver(message!);
        }
    }
}
