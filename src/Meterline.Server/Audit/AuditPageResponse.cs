namespace Meterline.Server.Audit;

/// <summary>Audit entries in sequence order; pass <see cref="NextAfter"/> back as <c>after</c> for the next page (null at the end).</summary>
public sealed record AuditPageResponse(IReadOnlyList<AuditRecordResponse> Items, long? NextAfter);
