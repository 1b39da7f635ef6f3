namespace Meterline.Zigbee.Segmentation;

/// <summary>What <see cref="Reassembler.Accept"/> did with a segment.</summary>
public enum SegmentOutcome
{
    /// <summary>The segment completed a message, returned with it.</summary>
    MessageComplete,

    /// <summary>The segment was kept; the message is still incomplete.</summary>
    Accepted,

    /// <summary>A segment already held, or of a message already completed: ignored.</summary>
    Duplicate,

    /// <summary>No valid segment header: dropped.</summary>
    Malformed,

    /// <summary>An index past the last segment, or a last segment before one already seen: dropped.</summary>
    OutOfRange,

    /// <summary>The message would exceed the maximum size: the segment and its partial message were dropped.</summary>
    TooLarge,

    /// <summary>Too many messages in progress (for the source or in total): dropped.</summary>
    LimitReached,
}
