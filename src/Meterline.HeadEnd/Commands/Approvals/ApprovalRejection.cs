namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>Why a bulk request or a decision was refused (the API maps it to ProblemDetails).</summary>
public enum ApprovalRejection
{
    /// <summary>No request has that id (404).</summary>
    UnknownApproval = 1,

    /// <summary>The request was decided or expired already (409).</summary>
    NotPending = 2,

    /// <summary>The requester may not approve or reject their own request (403).</summary>
    SelfDecision = 3,

    /// <summary>The kind, the meters, the actor or the note is missing or out of range (400).</summary>
    InvalidRequest = 4,

    /// <summary>A named meter is not registered (404).</summary>
    UnknownMeter = 5,
}
