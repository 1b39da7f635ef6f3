using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>A bulk request that needs (or needed) a second operator's approval.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Kind">The command every meter gets.</param>
/// <param name="Meters">The meters, distinct, in id order.</param>
/// <param name="RequestedBy">The operator who asked.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="ExpiresAt">When it expires if nobody decides.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Note">The requester's note.</param>
/// <param name="DecidedBy">Who approved or rejected it ("expiry" when it expired).</param>
/// <param name="DecidedAt">When.</param>
/// <param name="DecisionNote">The approver's note (a rejection's reason).</param>
/// <param name="Created">Commands created once approved.</param>
/// <param name="Refused">Meters the command service refused once approved.</param>
public sealed record CommandApproval(
    ApprovalId Id,
    CommandKind Kind,
    IReadOnlyList<MeterId> Meters,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    ApprovalState State,
    string? Note,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionNote,
    int Created,
    int Refused);
