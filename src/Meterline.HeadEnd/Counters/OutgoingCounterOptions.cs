namespace Meterline.HeadEnd.Counters;

/// <summary>How <see cref="OutgoingCounterAllocator"/> reserves values and when it raises its exhaustion alarm.</summary>
public sealed record OutgoingCounterOptions
{
    /// <summary>2^32 − 2^24: about 16.8 million values left.</summary>
    public const uint DefaultAlarmThreshold = 4_278_190_080;

    /// <summary>Values reserved per durable write for <see cref="OutgoingCounterAllocator.NextAsync"/> (1 to 1,000,000).</summary>
    public uint BlockSize { get; init; } = 1000;

    /// <summary>The alarm is raised when a (meter, generation)'s high-water mark reaches this value (2 to uint.MaxValue).</summary>
    public uint AlarmThreshold { get; init; } = DefaultAlarmThreshold;

    /// <summary>The most (meter, generation) blocks held in memory; beyond it a block is dropped and the rest of its values skipped (16 to 10,000,000).</summary>
    public int MaxCachedBlocks { get; init; } = 100_000;

    /// <summary>The actor of the alarm's audit entry.</summary>
    public string Actor { get; init; } = "system";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfZero(BlockSize, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 1_000_000u, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(AlarmThreshold, 2u, nameof(AlarmThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCachedBlocks, 16, nameof(MaxCachedBlocks));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxCachedBlocks, 10_000_000, nameof(MaxCachedBlocks));
        ArgumentException.ThrowIfNullOrWhiteSpace(Actor, nameof(Actor));
    }
}
