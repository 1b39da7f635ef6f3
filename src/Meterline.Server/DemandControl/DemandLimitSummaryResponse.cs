using System.Text.Json;
using Meterline.HeadEnd.DemandControl;

namespace Meterline.Server.DemandControl;

/// <summary>
/// A group load limit as the listing shows it: target, the limit asked, who and when, how many meters, and the
/// cancellation if any; its progress is read one limit at a time (<c>GET /api/demand/limits/{id}</c>).
/// </summary>
public sealed record DemandLimitSummaryResponse(
    long Id,
    string Target,
    string? TargetId,
    JsonElement Limit,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotBefore,
    int Meters,
    DateTimeOffset? CancelledAt,
    string? CancelledBy,
    string? CancelReason)
{
    public static DemandLimitSummaryResponse From(DemandLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        using var parameters = JsonDocument.Parse(limit.Parameters);
        return new DemandLimitSummaryResponse(
            limit.Id.Value,
            DemandControlService.TargetName(limit.TargetKind),
            limit.Target.Length == 0 ? null : limit.Target,
            parameters.RootElement.Clone(),
            limit.Actor,
            limit.RequestedAt,
            limit.NotBefore,
            limit.MemberCount,
            limit.CancelledAt,
            limit.CancelledBy,
            limit.CancelReason);
    }
}
