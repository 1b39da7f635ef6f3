namespace Meterline.HeadEnd.DemandControl;

/// <summary>The audit actions of demand control.</summary>
public static class DemandAuditActions
{
    /// <summary>An operator asked for a group load limit (before it is stored).</summary>
    public const string LimitRequested = "demand.limit-requested";

    /// <summary>A member of a group got no command (unreachable, keys compromised, …).</summary>
    public const string MemberRejected = "demand.member-rejected";

    /// <summary>An operator cancelled a group load limit (before its waiting members are withdrawn).</summary>
    public const string LimitCancelled = "demand.limit-cancelled";
}
