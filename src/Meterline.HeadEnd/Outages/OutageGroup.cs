namespace Meterline.HeadEnd.Outages;

/// <summary>Losses found to belong together: one outage to record.</summary>
/// <param name="Scope">Meter, transformer or feeder.</param>
/// <param name="ScopeId">The meter's serial, the transformer's or the feeder's id.</param>
/// <param name="FeederId">The feeder, if known.</param>
/// <param name="Meters">The meters, in id order.</param>
public sealed record OutageGroup(OutageScope Scope, string ScopeId, string? FeederId, IReadOnlyList<AffectedMeter> Meters);
