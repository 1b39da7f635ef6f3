namespace Meterline.HeadEnd.Zigbee;

/// <summary>What <see cref="ZigbeePushAdapter"/> accepts.</summary>
public sealed record ZigbeePushAdapterOptions
{
    /// <summary>The wPort the meters push to (the head-end's push destination); frames to other wPorts are dropped.</summary>
    public ushort PushWPort { get; init; } = 1;

    /// <summary>The largest push APDU handed on (16 to 65535); larger ones are dropped.</summary>
    public int MaxApduLength { get; init; } = 4096;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfZero(PushWPort, nameof(PushWPort));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16, nameof(MaxApduLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue, nameof(MaxApduLength));
    }
}
