namespace Meterline.Meter.Push;

/// <summary>
/// Where a meter's pushes go: a transport-neutral destination (TCP or UDP wrapper, Zigbee, MQTT, CoAP). The sink
/// carries the protected APDU and reports whether it was delivered — acknowledged by the head-end where the transport
/// has acknowledgements (MQTT PUBACK, CoAP ACK), written to an open connection where it has none (TCP wrapper).
/// A push that is not delivered is kept by the meter and sent again.
/// </summary>
public interface IPushSink
{
    ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken);
}
