namespace Meterline.HeadEnd.Counters;

/// <summary>Outgoing invocation counter values [<see cref="First"/>, <see cref="End"/>) reserved durably for one user (e.g. one session).</summary>
public readonly record struct CounterBlock(uint First, uint Count)
{
    /// <summary>The first value not in the block.</summary>
    public ulong End => (ulong)First + Count;

    public bool Contains(uint value) => value >= First && value < End;
}
