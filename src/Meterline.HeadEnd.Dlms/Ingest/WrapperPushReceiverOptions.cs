namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>Framing limits of the <see cref="WrapperPushReceiver"/> (its connection limits are the <see cref="HeadEnd.Ingest.ConnectionGate"/>'s).</summary>
public sealed record WrapperPushReceiverOptions
{
    /// <summary>The wPort the receiver answers as (the push destination's logical device); frames to other wPorts are dropped.</summary>
    public ushort LocalWPort { get; init; } = 1;

    /// <summary>The largest APDU a wrapper frame may announce; larger headers are dropped without reading their body.</summary>
    public int MaxApduLength { get; init; } = 4096;

    /// <summary>A frame whose bytes stop arriving part-way is discarded after this long.</summary>
    public TimeSpan InterFrameTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InterFrameTimeout, TimeSpan.Zero);
    }
}
