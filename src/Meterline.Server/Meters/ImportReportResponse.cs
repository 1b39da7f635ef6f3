namespace Meterline.Server.Meters;

/// <summary>The outcome of importing a provisioning file: counts, and one result per meter in file order.</summary>
public sealed record ImportReportResponse(int Added, int Skipped, int Refused, IReadOnlyList<ImportResultResponse> Results);
