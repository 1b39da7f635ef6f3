namespace Meterline.Dlms.Links;

/// <summary>Limits of a <see cref="UdpDatagramReceiver"/>: its socket's receive buffer and its bounded queue.</summary>
public sealed record UdpDatagramReceiverOptions
{
    /// <summary>
    /// SO_RCVBUF asked of the kernel, in bytes, or null to leave the socket's. Linux caps it at
    /// <c>net.core.rmem_max</c> (and reports twice what it grants, for its bookkeeping); see
    /// <see cref="UdpDatagramReceiver.ReceiveBufferClamped"/>.
    /// </summary>
    public int? ReceiveBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Datagrams waiting for the consumer; one more is dropped (and counted) rather than waited for.</summary>
    public int QueueCapacity { get; init; } = 16_384;

    /// <summary>Bytes of pooled buffers the waiting datagrams may hold; one more is dropped (and counted) rather than waited for.</summary>
    public long QueueBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Bytes kept of one datagram; a longer one is queued truncated to this, marked <see cref="ReceivedDatagram.Truncated"/>.</summary>
    public int MaxDatagramLength { get; init; } = ushort.MaxValue;

    /// <summary>How long one blocking receive waits before the thread looks whether it is asked to stop: the bound of <see cref="UdpDatagramReceiver.Dispose"/>'s wait.</summary>
    public TimeSpan StopPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock stamped on each datagram as it is read.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public void Validate()
    {
        if (ReceiveBufferSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1024, nameof(ReceiveBufferSize));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramLength, UdpDatagramReceiver.ScratchLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueBytes, MaxDatagramLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(StopPollInterval, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StopPollInterval, TimeSpan.FromSeconds(10));
        ArgumentNullException.ThrowIfNull(Clock);
    }
}
