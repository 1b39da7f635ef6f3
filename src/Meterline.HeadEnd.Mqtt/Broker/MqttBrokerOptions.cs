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

    /// <summary>
    /// How long a connection is left unread after a publish of it was refused for its source's or meter's quota,
    /// doubled at each further such refusal up to <see cref="MaxQuotaPause"/>: the rest of a flood waits in TCP's
    /// buffers and the sender's window instead of costing the node a guard check each.
    /// </summary>
    public TimeSpan MinQuotaPause { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest quota pause.</summary>
    public TimeSpan MaxQuotaPause { get; init; } = TimeSpan.FromSeconds(1);

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
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinQuotaPause, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQuotaPause, MinQuotaPause);
        if (Guard.MaxPacketLength < Uplink.MaxApduLength + 8)
        {
            throw new ArgumentException("The packet limit must hold the largest APDU in a wrapper frame.", nameof(Guard));
        }
    }
}
