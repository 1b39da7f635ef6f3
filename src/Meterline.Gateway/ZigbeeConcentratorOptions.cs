namespace Meterline.Gateway;

/// <summary>Bounds of a <see cref="ZigbeeConcentrator"/>.</summary>
public sealed record ZigbeeConcentratorOptions
{
    /// <summary>Pushes waiting to be taken; beyond it they are dropped and counted (the meter's queue keeps them only until sent).</summary>
    public int PushQueueCapacity { get; init; } = 4096;

    /// <summary>Open sessions (node, client wPort) at once.</summary>
    public int MaxSessions { get; init; } = 1024;

    /// <summary>APDUs waiting unread in one session.</summary>
    public int SessionQueueCapacity { get; init; } = 16;

    /// <summary>The wPort of a meter's management logical device (the server side of every session).</summary>
    public ushort ServerWPort { get; init; } = 1;
}
