namespace Meterline.HeadEnd.Analytics;

/// <summary>The outcome of raising a finding and the alert it concerns (null when <see cref="AlertRaiseOutcome.Unchanged"/> found none open).</summary>
public sealed record AlertRaiseResult(AlertRaiseOutcome Outcome, Alert? Alert);
