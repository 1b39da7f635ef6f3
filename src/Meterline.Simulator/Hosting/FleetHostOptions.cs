using System.Net;

namespace Meterline.Simulator.Hosting;

/// <summary>How a <see cref="FleetHost"/> listens and the limits it keeps.</summary>
public sealed record FleetHostOptions
{
    public FleetFraming Framing { get; init; } = FleetFraming.Wrapper;

    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The shared port, or the first per-meter port (meter i listens on Port + i); 0 picks free ports.</summary>
    public int Port { get; init; } = Dlms.Wrapper.WrapperFrame.DefaultPort;

    /// <summary>One listening port per meter instead of one shared port routed by address.</summary>
    public bool PortPerMeter { get; init; }

    /// <summary>Connections open at once over the whole fleet; more are closed at once and counted.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>Connections open at once to one meter; more are closed at once and counted.</summary>
    public int MaxConnectionsPerMeter { get; init; } = 4;

    /// <summary>How long a new connection on a shared port may take to send its first frame.</summary>
    public TimeSpan FirstFrameTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many bytes may arrive on a shared port before the first frame is recognised.</summary>
    public int FirstFrameMaxBytes { get; init; } = 4096;

    /// <summary>A connection that brings no APDU for this long (real time) is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenAddress);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerMeter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FirstFrameTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstFrameMaxBytes, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
    }
}
