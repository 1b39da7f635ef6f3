namespace Meterline.Gateway.Mqtt;

/// <summary>Where and as whom a <see cref="MqttBridge"/> reaches the broker, its meters, and its bounds.</summary>
public sealed record MqttBridgeOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public bool UseTls { get; init; }

    /// <summary>The gateway's broker account; its ACL grants only its meters' topics (docs/mqtt.md).</summary>
    public required string UserName { get; init; }

    public required string Password { get; init; }

    /// <summary>The MQTT client id; <c>meterline-gw-{user}</c> when null.</summary>
    public string? ClientId { get; init; }

    /// <summary>The meters this gateway bridges.</summary>
    public required IReadOnlyList<GatewayMeter> Meters { get; init; }

    /// <summary>
    /// The durable spool: every push is flushed to it before it is published and marked published after its PUBACK;
    /// those not marked are published first at the next start (<see cref="PushSpool"/>). None when null, so a stop
    /// or a crash loses the pushes in hand.
    /// </summary>
    public string? SpoolPath { get; init; }

    /// <summary>The most the spool holds on disk; a push that does not fit even after compaction is dropped and counted lost.</summary>
    public long SpoolMaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Frames from the meters waiting to be spooled; beyond it the concentrator's queue fills and DLMS/TCP links are read no further.</summary>
    public int UplinkQueueCapacity { get; init; } = 4096;

    /// <summary>Requests from the broker waiting for the radio; beyond it they are dropped and counted.</summary>
    public int DownlinkQueueCapacity { get; init; } = 256;

    /// <summary>How long one publish waits for its PUBACK before the connection is taken as lost.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest APDU relayed either way (the head-end's bound, docs/mqtt.md).</summary>
    public int MaxApduLength { get; init; } = 4096;

    public string EffectiveClientId => ClientId ?? "meterline-gw-" + UserName;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(UserName);
        ArgumentException.ThrowIfNullOrEmpty(Password);
        ArgumentNullException.ThrowIfNull(Meters);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(DownlinkQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(UplinkQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SpoolMaxBytes, 64L * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PublishTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMax, ReconnectMin);
    }
}
