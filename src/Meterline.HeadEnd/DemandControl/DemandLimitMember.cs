using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// One meter of a group load limit: its command once fanned out (and that command's state and result), or why no
/// command could be made for it (<see cref="Rejection"/>); neither yet while it waits for the fan-out.
/// </summary>
public sealed record DemandLimitMember(MeterId Meter, CommandId? Command, CommandState? State, string? Result, string? Rejection);
