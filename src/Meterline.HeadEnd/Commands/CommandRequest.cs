using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>What is stored when a command is asked for; storage assigns the id and state Requested.</summary>
public sealed record CommandRequest(
    MeterId Meter,
    CommandKind Kind,
    string Parameters,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset Deadline,
    string? IdempotencyKey);
