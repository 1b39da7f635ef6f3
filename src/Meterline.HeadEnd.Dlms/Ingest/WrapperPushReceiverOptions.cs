namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>Limits of the <see cref="WrapperPushReceiver"/>.</summary>
public sealed record WrapperPushReceiverOptions
{
    /// <summary>The wPort the receiver answers as (the push destination's logical device); frames to other wPorts are dropped.</summary>
    public ushort LocalWPort { get; init; } = 1;

    /// <summary>The largest APDU a wrapper frame may announce; larger headers are dropped without reading their body.</summary>
    public int MaxApduLength { get; init; } = 4096;

    /// <summary>TCP connections open at once, in total.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>TCP connections open at once from one IP address (a data concentrator may hold several).</summary>
    public int MaxConnectionsPerAddress { get; init; } = 16;

    /// <summary>A connection that delivers no frame for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A frame whose bytes stop arriving part-way is discarded after this long.</summary>
    public TimeSpan InterFrameTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerAddress, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InterFrameTimeout, TimeSpan.Zero);
    }
}
