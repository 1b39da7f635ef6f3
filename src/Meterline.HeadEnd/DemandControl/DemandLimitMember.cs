using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// One meter of a group load limit: its command once fanned out (and that command's state and result), or why no
/// command could be made for it (<see cref="Rejection"/>); neither yet while it waits for the fan-out. A member still
/// waiting when its limit was cancelled carries the rejection <see cref="Withdrawn"/>.
/// </summary>
public sealed record DemandLimitMember(MeterId Meter, CommandId? Command, CommandState? State, string? Result, string? Rejection)
{
    /// <summary>The rejection of a member withdrawn by the limit's cancellation before its command was made.</summary>
    public const string Withdrawn = "withdrawn: the group load limit was cancelled";

    public bool IsWithdrawn => Command is null && string.Equals(Rejection, Withdrawn, StringComparison.Ordinal);
}
