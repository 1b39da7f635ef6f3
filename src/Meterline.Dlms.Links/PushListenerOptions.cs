namespace Meterline.Dlms.Links;

/// <summary>Limits of a <see cref="PushListener"/>.</summary>
public sealed record PushListenerOptions
{
    /// <summary>Verified notifications waiting for the consumer; stream links wait when it is full, UDP drops.</summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>Concurrent TCP connections accepted; more are closed at once and counted.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>The largest APDU accepted on a link.</summary>
    public int MaxApduLength { get; init; } = 4096;

    /// <summary>The wPort the listener answers as (the push destination's logical device).</summary>
    public ushort LocalWPort { get; init; } = 1;

    /// <summary>The clock stamped on each notification.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
