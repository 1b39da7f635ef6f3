using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;

namespace Meterline.Server.DemandControl;

/// <summary>
/// A group load limit and its progress: target, the limit asked, who and when, how many meters, how many wait for
/// their command (<see cref="Pending"/>), were refused (<see cref="Rejected"/>) and how many commands are in each
/// state (<see cref="States"/>; pending + rejected + the states add up to <see cref="Meters"/>), and the failures.
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
    IReadOnlyDictionary<string, int> States,
    bool Complete,
    IReadOnlyList<DemandLimitFailureResponse> Failed)
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
            progress.ByState.ToDictionary(s => s.Key.ToString(), s => s.Value),
            progress.IsComplete,
            progress.Failed.Select(f => new DemandLimitFailureResponse(serials.GetValueOrDefault(f.Meter.Value), f.Command?.Value, f.State, f.Reason)).ToList());
    }
}
