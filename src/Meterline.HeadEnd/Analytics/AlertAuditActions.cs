namespace Meterline.HeadEnd.Analytics;

/// <summary>The audit actions of alerts: opened by the analytics, acknowledged and closed by an operator.</summary>
public static class AlertAuditActions
{
    public const string Opened = "alert.opened";
    public const string Acknowledged = "alert.acknowledged";
    public const string Closed = "alert.closed";

    /// <summary>An alert given to someone to work on, or taken back (detail <c>assignee</c>, empty when taken back, and <c>previous</c>).</summary>
    public const string Assigned = "alert.assigned";

    /// <summary>The actor of alerts the head-end raises itself.</summary>
    public const string Analytics = "analytics";
}
