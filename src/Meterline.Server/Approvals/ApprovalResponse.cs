using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;

namespace Meterline.Server.Approvals;

/// <summary>A bulk request waiting for (or decided by) a second operator, as the API shows it.</summary>
public sealed record ApprovalResponse(
    long Id,
    string Kind,
    int MeterCount,
    IReadOnlyList<int> Meters,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    ApprovalState State,
    string? Note,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionNote,
    int Created,
    int Refused)
{
    public static ApprovalResponse From(CommandApproval approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return new(approval.Id.Value, CommandAuditActions.KindName(approval.Kind), approval.Meters.Count, [.. approval.Meters.Select(m => m.Value)], approval.RequestedBy,
            approval.RequestedAt, approval.ExpiresAt, approval.State, approval.Note, approval.DecidedBy, approval.DecidedAt, approval.DecisionNote, approval.Created, approval.Refused);
    }
}
