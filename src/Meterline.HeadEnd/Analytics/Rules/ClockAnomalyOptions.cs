namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Settings of <see cref="ClockAnomalyRule"/>.</summary>
public sealed record ClockAnomalyOptions
{
    /// <summary>The meters' block period: interval times must fall on its grid (from midnight UTC); zero turns the grid check off.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>An interval time later than the head-end's clock by more than this is a clock that jumped ahead; null turns the check off (a simulation whose meters run on an accelerated clock).</summary>
    public TimeSpan? FutureTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An interval arriving earlier than one already committed by more than this is a clock that went backwards.</summary>
    public TimeSpan BackwardsTolerance { get; init; } = TimeSpan.Zero;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (Interval <= TimeSpan.Zero || FutureTolerance < TimeSpan.Zero || BackwardsTolerance < TimeSpan.Zero || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Clock anomaly: a positive interval and look-back, tolerances at least 0.");
        }
    }
}
