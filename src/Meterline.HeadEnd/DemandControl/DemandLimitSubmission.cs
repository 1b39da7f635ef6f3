using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// An operator's group load limit: the target (a transformer or feeder id in <paramref name="Target"/>; one meter or a
/// list in <paramref name="Meters"/>), the limit every member gets, who asks, and optionally the earliest send time.
/// </summary>
public sealed record DemandLimitSubmission(
    DemandLimitTargetKind TargetKind,
    string? Target,
    IReadOnlyList<MeterId>? Meters,
    LoadLimitParameters Parameters,
    string Actor,
    DateTimeOffset? NotBefore = null);
