using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meterline.Server.Commands;

/// <summary>
/// The body of <c>POST /api/commands</c>: the meter (its id as a number, or its serial as a string), the kind, the
/// kind's parameters as an object (read: <c>{"quantities":["1.0.1.8.0.255"],"profile":{"from":…,"to":…}}</c>;
/// activityCalendar: <c>{"name":…,"switches":[{"start":"06:00","zone":2}],"activateAt":…}</c>; loadLimit:
/// <c>{"normal":5000,"minOverSeconds":60,"minUnderSeconds":30,…}</c> or <c>{"read":true}</c>; the others none),
/// and optionally the earliest time to send it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CommandRequestBody(JsonElement? Meter, string? Kind, JsonElement? Parameters, DateTimeOffset? NotBefore);
