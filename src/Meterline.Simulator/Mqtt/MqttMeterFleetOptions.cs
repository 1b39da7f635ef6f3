namespace Meterline.Simulator.Mqtt;

/// <summary>How simulated meters use an MQTT broker.</summary>
public sealed record MqttMeterFleetOptions
{
    /// <summary>Meters connecting at the same time (a fleet coming up does not storm the broker).</summary>
    public int MaxConcurrentConnects { get; init; } = 16;

    /// <summary>How long a connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a push may wait for its PUBACK (the head-end's commit) before it counts as not delivered.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often disconnected meters try again to connect (so they can be reached on their down topic).</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A meter's DLMS session over MQTT ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Use TLS (accepting the server certificate when <see cref="AcceptAnyServerCertificate"/>).</summary>
    public bool UseTls { get; init; }

    /// <summary>For test brokers with self-signed certificates only.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentConnects, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PublishTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionIdleTimeout, TimeSpan.Zero);
    }
}
