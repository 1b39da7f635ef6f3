using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.Server.Approvals;

/// <summary>
/// The body of <c>POST /api/commands/bulk</c>: <c>kind</c> (<c>connect</c> or <c>disconnect</c>), <c>meters</c> (an
/// array of meter ids or serials) and an optional <c>note</c> for the approver.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BulkCommandRequestBody(string? Kind, JsonElement? Meters, string? Note);
