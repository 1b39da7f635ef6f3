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

    /// <summary>
    /// After a frame refused for its source's quota (<c>source-rate</c>), the connection is not read for this long,
    /// doubled at each further such refusal up to <see cref="MaxQuotaPause"/>: the rest of a flood waits in TCP's
    /// buffers (and then at its sender) instead of being read and refused frame by frame.
    /// </summary>
    public TimeSpan MinQuotaPause { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan MaxQuotaPause { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// SO_RCVBUF asked for each UDP socket, in bytes (null: the system's default). The kernel caps it at
    /// <c>net.core.rmem_max</c>; a smaller grant is logged as a warning. It holds what arrives while the receive
    /// thread is not scheduled: about 4,000 pushes of ~300 bytes in the default 4 MiB.
    /// </summary>
    public int? UdpReceiveBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Datagrams read from a UDP socket and waiting to be decoded and submitted; more are dropped and counted.</summary>
    public int UdpQueueCapacity { get; init; } = 16_384;

    /// <summary>Bytes of pooled buffers those waiting datagrams may hold (a pushed datagram takes 512 bytes, a largest frame 8 KiB).</summary>
    public long UdpQueueBytes { get; init; } = 16 * 1024 * 1024;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinQuotaPause, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQuotaPause, MinQuotaPause);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxApduLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxApduLength, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InterFrameTimeout, TimeSpan.Zero);
        if (UdpReceiveBufferSize is { } buffer)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(buffer, 1024, nameof(UdpReceiveBufferSize));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(UdpQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(UdpQueueBytes, MaxApduLength + Meterline.Dlms.Wrapper.WrapperFrame.HeaderLength);
    }
}
