namespace Meterline.HeadEnd.Prepaid;

/// <summary>The audit actions of prepaid accounts (subject: <c>consumer:{id}</c>).</summary>
public static class PrepaidAuditActions
{
    /// <summary>The actor of what the head-end does by itself (deductions, disconnects, reconnects).</summary>
    public const string Actor = "prepaid";

    public const string AccountOpened = "prepaid.account-opened";
    public const string TopUp = "prepaid.top-up";

    /// <summary>An admin credited or debited an account by hand, with a reason (not a payment).</summary>
    public const string Adjustment = "prepaid.adjustment";

    /// <summary>An adjustment above the approval threshold was asked for; it waits for a second admin.</summary>
    public const string AdjustmentRequested = "prepaid.adjustment-requested";

    /// <summary>A second admin approved an adjustment request (the <see cref="Adjustment"/> entry follows, actor the approver).</summary>
    public const string AdjustmentApproved = "prepaid.adjustment-approved";
    public const string AdjustmentRejected = "prepaid.adjustment-rejected";
    public const string AdjustmentExpired = "prepaid.adjustment-expired";

    /// <summary>The requester tried to approve their own adjustment.</summary>
    public const string AdjustmentSelfApprovalRefused = "prepaid.adjustment-self-approval-refused";
    public const string LowBalance = "prepaid.low-balance";
    public const string DisconnectPostponed = "prepaid.disconnect-postponed";
    public const string DisconnectCancelled = "prepaid.disconnect-cancelled";
    public const string DisconnectRequested = "prepaid.disconnect-requested";
    public const string ReconnectRequested = "prepaid.reconnect-requested";

    public static string Subject(string consumerId) => "consumer:" + consumerId;
}
