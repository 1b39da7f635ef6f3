using System.Text.Json.Serialization;

namespace Meterline.Server.Billing;

/// <summary>The body of <c>POST /api/meters/{meter}/bills</c>: the month (yyyy-MM) and whether to re-issue a month already billed.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BillIssueRequestBody(string? Month, bool? Reissue);
