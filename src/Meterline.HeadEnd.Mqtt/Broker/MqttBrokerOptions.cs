using System.Net;
using Meterline.HeadEnd.Mqtt.Framing;
using Meterline.HeadEnd.Mqtt.Uplink;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>The embedded broker's listeners and limits.</summary>
public sealed record MqttBrokerOptions
{
    /// <summary>Where to listen (port 0 picks a free port; see <see cref="MqttBroker.Endpoints"/>).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; init; } = [new(IPAddress.Loopback, 1883)];

    /// <summary>TLS on every listener, or null for plain TCP.</summary>
    public MqttBrokerTls? Tls { get; init; }

    /// <summary>Packet-size limits before and after authentication.</summary>
    public MqttStreamGuardOptions Guard { get; init; } = new();

    /// <summary>How up payloads are read.</summary>
    public MqttUplinkOptions Uplink { get; init; } = new();

    /// <summary>Messages queued for one client before the oldest is dropped (MQTTnet's pending-messages bound).</summary>
    public int MaxPendingMessagesPerClient { get; init; } = 64;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoints);
        if (Endpoints.Count == 0)
        {
            throw new ArgumentException("The broker needs at least one endpoint.", nameof(Endpoints));
        }

        Guard.Validate();
        Uplink.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingMessagesPerClient, 1);
        if (Guard.MaxPacketLength < Uplink.MaxApduLength + 8)
        {
            throw new ArgumentException("The packet limit must hold the largest APDU in a wrapper frame.", nameof(Guard));
        }
    }
}
