namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="NeutralMismatchRule"/>: both the absolute and the relative difference must be reached, for <see cref="SustainedIntervals"/> in a row.</summary>
public sealed record NeutralMismatchOptions
{
    /// <summary>|I_neutral − I_phase| at least this (A).</summary>
    public double MinimumDifference { get; init; } = 0.5;

    /// <summary>|I_neutral − I_phase| / max(I_neutral, I_phase) at least this.</summary>
    public double MinimumRatio { get; init; } = 0.2;

    public int SustainedIntervals { get; init; } = 3;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (!(MinimumDifference >= 0) || !(MinimumRatio is >= 0 and <= 1) || SustainedIntervals < 1 || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Neutral mismatch: difference at least 0, ratio 0 to 1, at least 1 interval, a positive look-back.");
        }
    }
}
