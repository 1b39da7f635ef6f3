namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Limits of the <see cref="ConnectionGate"/>, shared by every connection-oriented ingress (the DLMS wrapper's TCP port,
/// the MQTT broker): see docs/ingest.md, "Connections".
/// </summary>
public sealed record ConnectionGateOptions
{
    /// <summary>Connections open at once, over every transport the gate guards.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Connections open at once from one address (a data concentrator may hold several).</summary>
    public int MaxConnectionsPerAddress { get; init; } = 16;

    /// <summary>
    /// Connections open at once that have not yet authenticated (delivered a frame the guard accepted, or an MQTT
    /// CONNECT with valid credentials). When a new one would exceed it, the oldest unauthenticated one is closed:
    /// idle or slow peers cannot hold the slots honest meters need.
    /// </summary>
    public int MaxUnauthenticated { get; init; } = 1_000;

    /// <summary>A connection that has not authenticated this long after it opened is closed (a slow or silent sender).</summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An authenticated connection that delivers nothing for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerAddress, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnauthenticated, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxUnauthenticated, MaxConnections);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AuthenticationTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
    }
}
