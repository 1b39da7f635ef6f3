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
    public const string LowBalance = "prepaid.low-balance";
    public const string DisconnectPostponed = "prepaid.disconnect-postponed";
    public const string DisconnectCancelled = "prepaid.disconnect-cancelled";
    public const string DisconnectRequested = "prepaid.disconnect-requested";
    public const string ReconnectRequested = "prepaid.reconnect-requested";

    public static string Subject(string consumerId) => "consumer:" + consumerId;
}
