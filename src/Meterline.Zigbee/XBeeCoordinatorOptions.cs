using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee;

/// <summary>Settings of an <see cref="XBeeCoordinator"/>. Every queue and table it keeps is bounded by one of these.</summary>
public sealed record XBeeCoordinatorOptions
{
    /// <summary>The largest frame data accepted from the module; longer length fields are counted and dropped.</summary>
    public int MaxFrameDataLength { get; init; } = 512;

    /// <summary>How long to wait for an AT Command Response (local or remote).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long past the module's <c>NT</c> node discovery keeps collecting responses.</summary>
    public TimeSpan NodeDiscoveryMargin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long each of the two <c>ATAP</c> attempts at start (mode 1 framing, then mode 2) waits.</summary>
    public TimeSpan StartupQueryTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for the Transmit Status of one transmit request.</summary>
    public TimeSpan TransmitStatusTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Further attempts after a failed delivery status or a missing transmit status (so 1 + this in all).</summary>
    public int TransmitRetries { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles for each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Remote nodes tracked; frames from further nodes are counted and dropped.</summary>
    public int MaxNodes { get; init; } = 10_000;

    /// <summary>Whole messages queued per node link; more are counted and dropped.</summary>
    public int NodeReceiveQueueCapacity { get; init; } = 64;

    /// <summary>Join notifications queued for the reader of <see cref="XBeeCoordinator.Joins"/>.</summary>
    public int JoinQueueCapacity { get; init; } = 1024;

    /// <summary>Broadcast radius of transmit requests (0: the network maximum).</summary>
    public byte BroadcastRadius { get; init; }

    /// <summary>Transmit options of transmit requests.</summary>
    public TransmitOptions TransmitOptions { get; init; }

    /// <summary>Bounds of the reassembly of segmented messages (message size, messages in progress, time-out).</summary>
    public ReassemblerOptions Reassembly { get; init; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameDataLength, 16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CommandTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeDiscoveryMargin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StartupQueryTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TransmitStatusTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(TransmitRetries, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TransmitRetries, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeReceiveQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(JoinQueueCapacity, 1);
        ArgumentNullException.ThrowIfNull(Reassembly);
        Reassembly.Validate();
    }
}
