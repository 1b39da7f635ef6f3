namespace Meterline.Gateway;

/// <summary>Bounds of a <see cref="GatewayServer"/>'s upstream side.</summary>
public sealed record GatewayServerOptions
{
    /// <summary>Head-end connections at once; more are closed at once and counted.</summary>
    public int MaxConnections { get; init; } = 16;

    /// <summary>Meters one connection may talk to at once.</summary>
    public int MaxSessionsPerConnection { get; init; } = 256;

    /// <summary>A connection with no frame for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The network id this gateway answers to in gateway PDUs (0: any).</summary>
    public byte NetworkId { get; init; }
}
