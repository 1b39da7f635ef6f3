using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// Where a group load limit stands: members waiting for their command (<see cref="Pending"/>), refused at fan-out
/// (<see cref="Rejected"/>), withdrawn by a cancellation before their command was made (<see cref="Withdrawn"/>), and
/// counts of their commands by state; the sum is <see cref="DemandLimit.MemberCount"/>.
/// <see cref="Failed"/> lists the members that failed, timed out, were cancelled or refused, with why.
/// </summary>
public sealed record DemandLimitProgress(
    DemandLimit Limit,
    int Pending,
    int Rejected,
    int Withdrawn,
    IReadOnlyDictionary<CommandState, int> ByState,
    IReadOnlyList<DemandLimitFailure> Failed)
{
    /// <summary>True when no member waits and every command has ended.</summary>
    public bool IsComplete => Pending == 0
        && ByState.Where(s => s.Key is CommandState.Requested or CommandState.Sent).Sum(s => s.Value) == 0;
}
