using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;

namespace Meterline.Server.DemandControl;

/// <summary>
/// A group load limit and its progress: target, the limit asked, who and when, how many meters, how many wait for
/// their command (<see cref="Pending"/>), were refused (<see cref="Rejected"/>), were withdrawn by a cancellation
/// (<see cref="Withdrawn"/>) and how many commands are in each state (<see cref="States"/>; pending + rejected +
/// withdrawn + the states add up to <see cref="Meters"/>), the failures, and the cancellation if any.
/// </summary>
public sealed record DemandLimitResponse(
    long Id,
    string Target,
    string? TargetId,
    JsonElement Limit,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    int Meters,
    int Pending,
    int Rejected,
    int Withdrawn,
    IReadOnlyDictionary<string, int> States,
    bool Complete,
    IReadOnlyList<DemandLimitFailureResponse> Failed,
    DateTimeOffset? CancelledAt,
    string? CancelledBy,
    string? CancelReason)
{
    public static DemandLimitResponse From(DemandLimitProgress progress, IReadOnlyDictionary<int, string> serials)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(serials);
        var limit = progress.Limit;
        using var parameters = JsonDocument.Parse(limit.Parameters);
        return new DemandLimitResponse(
            limit.Id.Value,
            DemandControlService.TargetName(limit.TargetKind),
            limit.Target.Length == 0 ? null : limit.Target,
            parameters.RootElement.Clone(),
            limit.Actor,
            limit.RequestedAt,
            limit.NotBefore,
            limit.MemberCount,
            progress.Pending,
            progress.Rejected,
            progress.Withdrawn,
            progress.ByState.ToDictionary(s => s.Key.ToString(), s => s.Value),
            progress.IsComplete,
            progress.Failed.Select(f => new DemandLimitFailureResponse(serials.GetValueOrDefault(f.Meter.Value), f.Command?.Value, f.State, f.Reason)).ToList(),
            limit.CancelledAt,
            limit.CancelledBy,
            limit.CancelReason);
    }
}
