using Meterline.HeadEnd.Commands.Approvals;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Approvals;

/// <summary>The problems of bulk requests and their approval (docs/api.md lists them), one per <see cref="ApprovalRejection"/>.</summary>
public static class ApprovalProblems
{
    /// <summary>No bulk request has that id.</summary>
    public static readonly ApiProblem UnknownApproval = new("unknown-approval", StatusCodes.Status404NotFound, "Unknown approval request");

    /// <summary>The request was approved, rejected or expired already.</summary>
    public static readonly ApiProblem NotPending = new("approval-not-pending", StatusCodes.Status409Conflict, "Approval request not pending");

    /// <summary>The requester tried to approve or reject their own request.</summary>
    public static readonly ApiProblem SelfDecision = new("self-approval", StatusCodes.Status403Forbidden, "Own request");

    /// <summary>The kind, the meters or the note of a bulk request is missing or out of range.</summary>
    public static readonly ApiProblem InvalidBulkRequest = new("invalid-bulk-request", StatusCodes.Status400BadRequest, "Invalid bulk request");

    public static ApiProblem For(ApprovalRejection reason) => reason switch
    {
        ApprovalRejection.UnknownApproval => UnknownApproval,
        ApprovalRejection.NotPending => NotPending,
        ApprovalRejection.SelfDecision => SelfDecision,
        ApprovalRejection.UnknownMeter => ApiProblems.UnknownMeter,
        _ => InvalidBulkRequest,
    };

    public static ProblemHttpResult From(ApprovalRejectedException rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return For(rejection.Reason).Result(rejection.Message);
    }
}
