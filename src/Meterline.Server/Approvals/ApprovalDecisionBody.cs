using System.Text.Json.Serialization;

namespace Meterline.Server.Approvals;

/// <summary>The optional body of approving or rejecting: a note (a rejection's reason).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ApprovalDecisionBody(string? Note);
