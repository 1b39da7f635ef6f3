namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>The audit actions of bulk requests and their approval.</summary>
public static class ApprovalAuditActions
{
    /// <summary>A bulk request above the threshold was stored, waiting for a second operator.</summary>
    public const string Requested = "approval.requested";

    /// <summary>A second operator approved it; its commands follow (each audited as command.{kind}.requested).</summary>
    public const string Approved = "approval.approved";

    /// <summary>A second operator rejected it; no command was made.</summary>
    public const string Rejected = "approval.rejected";

    /// <summary>Nobody decided in time; no command was made.</summary>
    public const string Expired = "approval.expired";

    /// <summary>The requester tried to approve (or reject) their own request: refused, a security event.</summary>
    public const string SelfDecisionRefused = "approval.self-decision-refused";

    /// <summary>Every command of an approved request was created (or refused by the command service).</summary>
    public const string Completed = "approval.completed";

    /// <summary>A bulk request at or below the threshold: its commands were created at once.</summary>
    public const string BulkRequested = "command.bulk.requested";
}
