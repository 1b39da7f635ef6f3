using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Implementations;

namespace Meterline.HeadEnd.Mqtt.Client;

/// <summary>
/// Makes MQTTnet's client connect through a <see cref="CoalescingMqttClientAdapter"/> over MQTTnet's TCP channel (TLS
/// included), one per connection, and keeps the latest as <see cref="Current"/>.
/// </summary>
internal sealed class CoalescingMqttClientAdapterFactory : IMqttClientAdapterFactory
{
    private CoalescingMqttClientAdapter? _current;

    /// <summary>The adapter of the latest connection (null before the first connect).</summary>
    public CoalescingMqttClientAdapter? Current => Volatile.Read(ref _current);

    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is not MqttClientTcpOptions)
        {
            throw new NotSupportedException("The external-broker consumer connects over TCP (with or without TLS).");
        }

        var adapter = new CoalescingMqttClientAdapter(new MqttTcpChannel(options), options, packetInspector, logger);
        Volatile.Write(ref _current, adapter);
        return adapter;
    }
}
