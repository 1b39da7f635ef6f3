namespace Meterline.Zigbee.Segmentation;

/// <summary>The bounds of a <see cref="Reassembler"/>: nothing a radio sends makes it hold more.</summary>
public sealed record ReassemblerOptions
{
    public const int DefaultMaxMessageSize = 4096;

    /// <summary>The largest message reassembled; a partial that would exceed it is dropped.</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>Messages in progress per source; a first segment beyond it is refused.</summary>
    public int MaxPartialsPerSource { get; init; } = 4;

    /// <summary>Messages in progress over all sources.</summary>
    public int MaxPartialsTotal { get; init; } = 256;

    /// <summary>How long after its first segment a message in progress is dropped.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Completed message ids remembered per source, so a repeated segment is not a second message.</summary>
    public int RecentMessagesPerSource { get; init; } = 8;

    /// <summary>Sources whose recent message ids are remembered.</summary>
    public int MaxSources { get; init; } = 10_000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPartialsPerSource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPartialsTotal, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecentMessagesPerSource, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecentMessagesPerSource, 128);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSources, 1);
    }
}
