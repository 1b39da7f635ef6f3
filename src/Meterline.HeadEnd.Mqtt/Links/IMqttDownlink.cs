using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>How the head-end reaches meters over MQTT — through its embedded broker or as a client of an external one.</summary>
public interface IMqttDownlink
{
    /// <summary>Where responses from meters' <c>up</c> topics are delivered.</summary>
    MqttSessionRouter Sessions { get; }

    /// <summary>Prepares to receive a session's responses from the meter (a client subscribes to its up topic); before the first request.</summary>
    Task OpenSessionAsync(MeterSystemTitle meter, CancellationToken cancellationToken = default);

    /// <summary>Ends what <see cref="OpenSessionAsync"/> prepared, once no session with the meter is open.</summary>
    Task CloseSessionAsync(MeterSystemTitle meter);

    /// <summary>Publishes one payload (a wrapper frame) to the meter's <c>down</c> topic at QoS 1.</summary>
    Task PublishDownAsync(MeterSystemTitle meter, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);
}
