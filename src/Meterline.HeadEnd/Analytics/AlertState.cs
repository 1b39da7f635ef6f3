namespace Meterline.HeadEnd.Analytics;

/// <summary>An alert's lifecycle: Open → Acknowledged → Closed, or Open → Closed. Nothing leaves Closed.</summary>
public enum AlertState
{
    Open = 0,
    Acknowledged = 1,
    Closed = 2,
}
