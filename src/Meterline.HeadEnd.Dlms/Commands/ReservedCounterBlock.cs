using Meterline.Dlms.Security;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// The head-end's outgoing invocation counter for one session, as an <see cref="IInvocationCounterStore"/>: the block
/// [<see cref="First"/>, <see cref="End"/>) was reserved durably through the head-end's counter store before the
/// session started, and <see cref="TryReserve"/> agrees only to marks inside it. The counter thus never hands out a
/// value that was not reserved; past the block it stops (the session fails and the next one reserves a new block).
/// </summary>
internal sealed class ReservedCounterBlock(uint first, uint size) : IInvocationCounterStore
{
    public uint First { get; } = first;

    /// <summary>The first value not reserved.</summary>
    public uint End { get; } = (uint)Math.Min(uint.MaxValue, (ulong)first + size);

    public bool TryReserve(uint mark) => mark >= First && mark <= End;
}
