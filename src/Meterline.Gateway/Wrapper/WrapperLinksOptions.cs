namespace Meterline.Gateway.Wrapper;

/// <summary>Bounds of a gateway's <see cref="WrapperMeterLinks"/>.</summary>
public sealed record WrapperLinksOptions
{
    /// <summary>Meters connected at once; a connection beyond it is closed at once and counted.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>The largest APDU in a frame either way; a larger frame is dropped and counted.</summary>
    public int MaxApduLength { get; init; } = 4096;

    /// <summary>Requests waiting to be written to one meter's link; beyond it they are dropped and counted.</summary>
    public int LinkQueueCapacity { get; init; } = 16;

    /// <summary>How long a connection may stay without naming its meter (its first push) before it is closed.</summary>
    public TimeSpan IdentifyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a link waits for a frame it handed on to be kept (a push flushed to the spool) before it reads the
    /// next; a frame not kept in time closes the link (counted), rather than reading on past a push not held.
    /// </summary>
    public TimeSpan KeepTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(LinkQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdentifyTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepTimeout, TimeSpan.Zero);
    }
}
