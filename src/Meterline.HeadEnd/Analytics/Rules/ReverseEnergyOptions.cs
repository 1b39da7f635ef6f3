namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="ReverseEnergyRule"/>.</summary>
public sealed record ReverseEnergyOptions
{
    /// <summary>A block's export at least this (Wh) counts as reverse energy.</summary>
    public double MinimumExport { get; init; } = 10;

    public int SustainedIntervals { get; init; } = 2;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);
}
