namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>A bulk request or a decision was refused; nothing was stored (a self-decision is audited).</summary>
public sealed class ApprovalRejectedException : Exception
{
    public ApprovalRejectedException()
    {
    }

    public ApprovalRejectedException(string message)
        : base(message)
    {
    }

    public ApprovalRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApprovalRejectedException(ApprovalRejection reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ApprovalRejection Reason { get; } = ApprovalRejection.InvalidRequest;
}
