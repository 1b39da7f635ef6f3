namespace Meterline.HeadEnd.Analytics;

/// <summary>The audit actions of alerts: opened by the analytics, acknowledged and closed by an operator.</summary>
public static class AlertAuditActions
{
    public const string Opened = "alert.opened";
    public const string Acknowledged = "alert.acknowledged";
    public const string Closed = "alert.closed";

    /// <summary>The actor of alerts the head-end raises itself.</summary>
    public const string Analytics = "analytics";
}
