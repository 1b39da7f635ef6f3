namespace Meterline.HeadEnd.Analytics;

/// <summary>The outcome of acknowledging or closing an alert.</summary>
public enum AlertTransitionOutcome
{
    Done = 0,
    NotFound = 1,

    /// <summary>The alert's state does not allow it (acknowledging an acknowledged or closed one, closing a closed one).</summary>
    NotAllowed = 2,
}
