namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="ReverseEnergyRule"/>.</summary>
public sealed record ReverseEnergyOptions
{
    /// <summary>A block's export at least this (Wh) counts as reverse energy.</summary>
    public double MinimumExport { get; init; } = 10;

    public int SustainedIntervals { get; init; } = 2;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (!(MinimumExport > 0) || SustainedIntervals < 1 || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Reverse energy: a positive export, at least 1 interval, a positive look-back.");
        }
    }
}
