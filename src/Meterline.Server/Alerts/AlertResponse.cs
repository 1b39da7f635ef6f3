using Meterline.HeadEnd.Analytics;

namespace Meterline.Server.Alerts;

/// <summary>An alert as the API shows it.</summary>
public sealed record AlertResponse(
    long Id,
    int Meter,
    string? Serial,
    string Rule,
    string Category,
    AlertSeverity Severity,
    double Confidence,
    string Summary,
    IReadOnlyList<EvidenceResponse> Evidence,
    AlertState State,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Occurrences,
    DateTimeOffset RaisedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ClosedBy,
    DateTimeOffset? ClosedAt,
    string? AssignedTo,
    string? AssignedBy,
    DateTimeOffset? AssignedAt)
{
    public static AlertResponse From(Alert alert, string? serial)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new AlertResponse(alert.Id.Value, alert.Meter.Value, serial, alert.RuleId, alert.Category, alert.Severity, alert.Confidence, alert.Summary,
            [.. alert.Evidence.Select(e => new EvidenceResponse(e.Time, e.Kind, e.Name, e.Value, e.Unit))], alert.State, alert.FirstSeen, alert.LastSeen,
            alert.Occurrences, alert.RaisedAt, alert.AcknowledgedBy, alert.AcknowledgedAt, alert.ClosedBy, alert.ClosedAt,
            alert.AssignedTo, alert.AssignedBy, alert.AssignedAt);
    }
}
