namespace Meterline.LoadHarness;

/// <summary>
/// The fleet's MQTT meters, connected to a broker and ready to publish their recorded pushes at QoS 1:
/// <see cref="RawMqttPublishers"/> (lean, one socket per meter; the default) or <see cref="MqttPushClients"/> (an MQTTnet
/// client per meter). Both the mosquitto baseline and the node's run use the same kind.
/// </summary>
internal interface IMqttPublishers : IAsyncDisposable
{
    /// <summary>Every meter publishes its pushes in order with up to <paramref name="window"/> in flight; returns when all are acknowledged (or refused, or lost with their connection).</summary>
    Task PublishAllAsync(IReadOnlyList<IReadOnlyList<byte[]>> byMeter, int window, AckLog log, CancellationToken cancellationToken);
}
