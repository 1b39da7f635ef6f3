namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="ZeroConsumptionRule"/>.</summary>
public sealed record ZeroConsumptionOptions
{
    /// <summary>The block's average current at least this (A) counts as current flowing.</summary>
    public double MinimumCurrent { get; init; } = 0.5;

    /// <summary>The block's import (and export) at most this (Wh) counts as zero consumption.</summary>
    public double MaximumEnergy { get; init; } = 1;

    public int SustainedIntervals { get; init; } = 2;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (!(MinimumCurrent > 0) || !(MaximumEnergy >= 0) || SustainedIntervals < 1 || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Zero consumption: a positive current, energy at least 0, at least 1 interval, a positive look-back.");
        }
    }
}
