namespace Meterline.HeadEnd.Analytics;

/// <summary>How urgently an operator should look at an alert.</summary>
public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}
