using Meterline.HeadEnd.Outages;

namespace Meterline.Server.Outages;

/// <summary>
/// An outage as the API shows it; <see cref="Meters"/> (the affected meters, at most
/// <see cref="OutagesApi.MaxMetersShown"/>) only when one outage is read, null in a listing.
/// </summary>
public sealed record OutageResponse(
    long Id,
    OutageScope Scope,
    string ScopeId,
    string? FeederId,
    OutageState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? RestoredAt,
    double DurationMinutes,
    int ConsumersAffected,
    DateTimeOffset DetectedAt,
    long? Alert,
    IReadOnlyList<AffectedMeterResponse>? Meters)
{
    public static OutageResponse From(Outage outage, DateTimeOffset now, IReadOnlyList<AffectedMeterResponse>? meters)
    {
        ArgumentNullException.ThrowIfNull(outage);
        return new OutageResponse(outage.Id.Value, outage.Scope, outage.ScopeId, outage.FeederId, outage.State, outage.StartedAt, outage.RestoredAt,
            Math.Round(outage.Duration(now).TotalMinutes, 3), outage.ConsumersAffected, outage.DetectedAt, outage.Alert?.Value, meters);
    }
}
