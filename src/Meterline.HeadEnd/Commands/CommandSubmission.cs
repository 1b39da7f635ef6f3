using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>An operator's (or the scheduler's) request for a command, before validation.</summary>
/// <param name="Meter">The meter it is for.</param>
/// <param name="Parameters">What to do.</param>
/// <param name="Actor">Who asks: an operator's name or "scheduler"; recorded in the audit log.</param>
/// <param name="NotBefore">Not sent before this time, if set.</param>
/// <param name="IdempotencyKey">The client's key: asking again with the same key returns the first command.</param>
public sealed record CommandSubmission(MeterId Meter, CommandParameters Parameters, string Actor, DateTimeOffset? NotBefore = null, string? IdempotencyKey = null);
