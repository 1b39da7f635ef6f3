using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// An alert on a meter: what fired (rule, category, severity, confidence, summary, evidence of the latest firing), its
/// state with who moved it and when, and the data times it was first and last seen; <see cref="Occurrences"/> counts
/// the firings that extended it.
/// </summary>
public sealed record Alert(
    AlertId Id,
    MeterId Meter,
    string RuleId,
    string DedupeKey,
    string Category,
    AlertSeverity Severity,
    double Confidence,
    string Summary,
    IReadOnlyList<EvidenceItem> Evidence,
    AlertState State,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Occurrences,
    DateTimeOffset RaisedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ClosedBy,
    DateTimeOffset? ClosedAt,
    string? AssignedTo = null,
    string? AssignedBy = null,
    DateTimeOffset? AssignedAt = null);
