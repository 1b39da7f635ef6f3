using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Counters;

/// <summary>A meter's outgoing invocation counter of one key generation passed the alarm threshold: rotate its keys.</summary>
public sealed class CounterNearExhaustionEventArgs(MeterId meter, int generation, uint highWaterMark, uint threshold) : EventArgs
{
    public MeterId Meter { get; } = meter;

    public int Generation { get; } = generation;

    /// <summary>The first value not yet reserved.</summary>
    public uint HighWaterMark { get; } = highWaterMark;

    public uint Threshold { get; } = threshold;

    /// <summary>Values left before the counter is exhausted.</summary>
    public uint Remaining => uint.MaxValue - HighWaterMark;
}
