namespace Meterline.HeadEnd.DemandControl;

/// <summary>A validated group load limit before it is stored (<see cref="IDemandLimitStore.CreateAsync"/>).</summary>
public sealed record DemandLimitDraft(
    DemandLimitTargetKind TargetKind,
    string Target,
    string Parameters,
    string Actor,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore);
