namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Where an adjustment above <see cref="PrepaidOptions.AdjustmentApprovalThreshold"/> stands: Pending (nothing is
/// posted) → Applied (a second admin approved it and its ledger entry is posted), or Pending → Rejected, or Pending →
/// Expired when nobody decided within <see cref="PrepaidOptions.AdjustmentApprovalLifetime"/>.
/// </summary>
public enum AdjustmentRequestState
{
    Pending = 1,
    Applied = 2,
    Rejected = 3,
    Expired = 4,
}
