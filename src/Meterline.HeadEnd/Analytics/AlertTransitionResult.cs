namespace Meterline.HeadEnd.Analytics;

/// <summary>The outcome of acknowledging or closing an alert, with the alert as it is afterwards (null when not found).</summary>
public sealed record AlertTransitionResult(AlertTransitionOutcome Outcome, Alert? Alert);
