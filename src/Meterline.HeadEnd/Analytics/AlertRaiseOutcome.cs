namespace Meterline.HeadEnd.Analytics;

/// <summary>What raising a finding did to the store.</summary>
public enum AlertRaiseOutcome
{
    /// <summary>A new alert was opened.</summary>
    Opened = 0,

    /// <summary>The open (or acknowledged) alert with the same key was extended by newer data.</summary>
    Extended = 1,

    /// <summary>Nothing: the finding covers no data newer than the alert already holds (or than the one an operator closed).</summary>
    Unchanged = 2,
}
