namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="BaselineDropRule"/>.</summary>
public sealed record BaselineDropOptions
{
    /// <summary>The span compared with the baseline, ending at the newest block.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Weeks of same-time history the baseline is the median of.</summary>
    public int BaselineWeeks { get; init; } = 4;

    /// <summary>Weeks that must have a value at a block's time for the block to count.</summary>
    public int MinimumWeeks { get; init; } = 3;

    /// <summary>Fires when the window's import is below this share of its baseline.</summary>
    public double DropRatio { get; init; } = 0.5;

    /// <summary>The window's baseline must be at least this (Wh): a meter that uses almost nothing is no finding.</summary>
    public double MinimumBaselineEnergy { get; init; } = 500;

    /// <summary>A block counts only with its average voltage at least this (V): supply present, so the drop is not an outage.</summary>
    public double MinimumVoltage { get; init; } = 180;

    /// <summary>Share of the window's blocks that must count (voltage present and a baseline).</summary>
    public double MinimumCoverage { get; init; } = 0.8;

    /// <summary>The meters' block period.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (Window <= TimeSpan.Zero || BaselineWeeks < 1 || MinimumWeeks is < 1 || MinimumWeeks > BaselineWeeks || !(DropRatio is > 0 and < 1) || !(MinimumBaselineEnergy >= 0) || !(MinimumVoltage >= 0) || !(MinimumCoverage is > 0 and <= 1) || Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Baseline drop: a positive window and interval, 1 ≤ minimum weeks ≤ baseline weeks, 0 < drop ratio < 1, energy and voltage at least 0, 0 < coverage ≤ 1.");
        }
    }
}
