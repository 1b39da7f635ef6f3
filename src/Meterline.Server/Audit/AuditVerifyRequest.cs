using System.Text.Json.Serialization;

namespace Meterline.Server.Audit;

/// <summary>The optional body of <c>POST /api/audit/verify</c>: an anchor, to detect entries cut off the log's end.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AuditVerifyRequest(AuditAnchorBody? Anchor);
