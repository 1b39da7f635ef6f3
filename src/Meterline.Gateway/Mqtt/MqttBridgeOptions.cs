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
    /// Where pushes still in hand at a stop are written (and read back, first, at the next start); none when null, so
    /// a stop loses them.
    /// </summary>
    public string? SpoolPath { get; init; }

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
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PublishTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMax, ReconnectMin);
    }
}
