using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.Server.DemandControl;

/// <summary>
/// The body of <c>POST /api/demand/limits</c>: exactly one target — <c>meter</c> (id or serial), <c>transformer</c>,
/// <c>feeder</c> (ids) or <c>meters</c> (an array of ids or serials) — the <c>limit</c> every meter gets (a loadLimit
/// command's parameters: <c>{"normal":…,"emergency":…,"minOverSeconds":…,"minUnderSeconds":…,"unit":"W",
/// "emergencyProfile":{…}}</c>), and optionally the earliest time to send.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DemandLimitRequestBody(
    JsonElement? Meter,
    string? Transformer,
    string? Feeder,
    JsonElement? Meters,
    JsonElement? Limit,
    DateTimeOffset? NotBefore);
