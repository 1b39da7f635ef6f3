using System.Text.Json.Serialization;

namespace Meterline.Server.Audit;

/// <summary>An entry recorded outside the log (its sequence and hash, 64 hex digits) that the verified log must still hold.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AuditAnchorBody(long Sequence, string? Hash);
