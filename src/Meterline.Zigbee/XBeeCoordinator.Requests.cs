using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>Requests under a frame id: transmit with retries, the waiter, the writer.</summary>
public sealed partial class XBeeCoordinator
{
    internal async Task TransmitToAsync(ZigbeeNodeLink node, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var status = await TransmitWithRetriesAsync(node.Address64, node.Address16, node, payload, cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccess)
        {
            throw new XBeeDeliveryException(node.Address64, status, Options.TransmitRetries + 1);
        }
    }

    private async Task<TransmitStatus> TransmitWithRetriesAsync(
        XBeeAddress64 destination64, XBeeAddress16 destination16, ZigbeeNodeLink? node, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"An RF payload is at most NP = {MaxPayload} bytes, not {payload.Length}.", nameof(payload));
        }

        if (node is null)
        {
            _nodes.TryGet(destination64, out node);
        }

        TransmitStatus? last = null;
        TimeoutException? timeout = null;
        for (var attempt = 0; attempt <= Options.TransmitRetries; attempt++)
        {
            if (attempt > 0)
            {
                var backoff = Options.RetryBackoff * Math.Pow(2, Math.Min(attempt - 1, 10));
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            }

            var address16 = node?.Address16 ?? destination16;
            Interlocked.Increment(ref _transmitAttempts);
            try
            {
                last = (TransmitStatus)await RequestAsync(
                    id => new TransmitRequest(id, destination64, address16, Options.BroadcastRadius, Options.TransmitOptions, payload),
                    XBeeFrameType.TransmitStatus,
                    Options.TransmitStatusTimeout,
                    null,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                Interlocked.Increment(ref _transmitTimeouts);
                timeout = e;
                continue;
            }

            if (last.IsSuccess)
            {
                if (node is not null && !last.Destination16.IsUnknown)
                {
                    node.Address16 = last.Destination16;
                }

                return last;
            }

            Interlocked.Increment(ref _transmitFailures);
            if (node is not null && last.Delivery is DeliveryStatus.AddressNotFound or DeliveryStatus.RouteNotFound)
            {
                // The network address went stale (the node rejoined): let the module discover it again.
                node.Address16 = XBeeAddress16.Unknown;
            }
        }

        return last ?? throw new XBeeException($"No transmit status from the module for {destination64}.", isTransient: true, timeout);
    }

    /// <summary>Sends a frame under a fresh frame id and waits for its response. Throws <see cref="TimeoutException"/>.</summary>
    private async Task<XBeeFrame> RequestAsync(
        Func<byte, XBeeFrame> build, XBeeFrameType expected, TimeSpan timeout, Func<XBeeFrame, bool>? collector, CancellationToken cancellationToken)
    {
        var request = await _frameIds.RentAsync(expected, collector, cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(build(request.FrameId), cancellationToken).ConfigureAwait(false);
            return await request.Response.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _frameIds.Release(request);
        }
    }

    private async Task WriteAsync(XBeeFrame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.Encode(_mode);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new XBeeException("Writing to the coordinator module failed.", isTransient: true, e);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
