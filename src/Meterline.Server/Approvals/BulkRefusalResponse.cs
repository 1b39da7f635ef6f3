namespace Meterline.Server.Approvals;

/// <summary>A meter of a bulk request that got no command: its id and serial, the problem type and why.</summary>
public sealed record BulkRefusalResponse(int Meter, string? Serial, string Type, string Detail);
