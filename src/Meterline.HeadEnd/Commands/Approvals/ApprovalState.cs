namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>
/// Where a bulk request stands: Pending (no command exists) → Approved (its commands are being created) → Completed;
/// or Pending → Rejected, or Pending → Expired when nobody decided within <see cref="ApprovalOptions.Lifetime"/>.
/// </summary>
public enum ApprovalState
{
    Pending = 1,
    Approved = 2,
    Completed = 3,
    Rejected = 4,
    Expired = 5,
}
