using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>A member of a group load limit that did not get its limit: its command (if any), the state and why.</summary>
public sealed record DemandLimitFailure(MeterId Meter, CommandId? Command, string State, string Reason);
