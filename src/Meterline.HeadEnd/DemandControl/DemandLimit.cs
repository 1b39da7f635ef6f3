using Meterline.HeadEnd.Commands;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// A stored group load limit: what it targets (<see cref="Target"/> is the transformer or feeder id, the meter's
/// serial, or empty for a list), the LoadLimit parameters every member gets (JSON, as in a command), who asked and
/// when, the earliest send time, and how many meters it fanned out to; once cancelled, when, by whom and why.
/// </summary>
public sealed record DemandLimit(
    DemandLimitId Id,
    DemandLimitTargetKind TargetKind,
    string Target,
    string Parameters,
    string Actor,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    int MemberCount,
    DateTimeOffset? CancelledAt = null,
    string? CancelledBy = null,
    string? CancelReason = null)
{
    /// <summary>Longest transformer or feeder id (as the meter registry keeps them).</summary>
    public const int MaxTargetLength = 64;

    /// <summary>True once the limit was cancelled: members still waiting were withdrawn and get no command.</summary>
    public bool IsCancelled => CancelledAt is not null;

    public LoadLimitParameters LoadLimit => (LoadLimitParameters)CommandParametersJson.Decode(CommandKind.LoadLimit, Parameters);
}
