namespace Meterline.Server.Alerts;

/// <summary>One fact of an alert's evidence as the API shows it.</summary>
public sealed record EvidenceResponse(DateTimeOffset Time, string Kind, string Name, double? Value, string? Unit);
