using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>A command as stored.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Meter">The meter it is for.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Parameters">The kind's parameters as JSON (at most 64 KiB), e.g. the registers to read.</param>
/// <param name="State">Where it is in its lifecycle.</param>
/// <param name="RequestedBy">The operator or system that asked (never empty).</param>
/// <param name="RequestedAt">When it was asked.</param>
/// <param name="NotBefore">Not sent before this time (scheduled commands), if set.</param>
/// <param name="Deadline">Timed out if not confirmed by this time.</param>
/// <param name="SentAt">When it was sent, once it was.</param>
/// <param name="CompletedAt">When it reached a final state.</param>
/// <param name="Result">The outcome as JSON (values read, relay state read back) or the reason it failed.</param>
/// <param name="IdempotencyKey">The client's key: a second request with the same key returns the first command.</param>
public sealed record CommandRecord(
    CommandId Id,
    MeterId Meter,
    CommandKind Kind,
    string Parameters,
    CommandState State,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset Deadline,
    DateTimeOffset? SentAt,
    DateTimeOffset? CompletedAt,
    string? Result,
    string? IdempotencyKey)
{
    public const int MaxParametersLength = 64 * 1024;

    public bool IsFinal => State is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled;
}
