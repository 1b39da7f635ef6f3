namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Thresholds of <see cref="MagnetLowConsumptionRule"/>.</summary>
public sealed record MagnetLowConsumptionOptions
{
    /// <summary>The magnet event's occurrence code (IS 15959: 201).</summary>
    public int MagnetCode { get; init; } = 201;

    /// <summary>How long before the event the reference consumption is taken.</summary>
    public TimeSpan Before { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long after the event the consumption is compared.</summary>
    public TimeSpan After { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Fires when the mean block import after is below this share of the mean before.</summary>
    public double DropRatio { get; init; } = 0.5;

    /// <summary>The mean block import before must be at least this (Wh) — no finding on a meter that used almost nothing anyway.</summary>
    public double MinimumMeanBefore { get; init; } = 20;

    /// <summary>Blocks needed on each side.</summary>
    public int MinimumIntervals { get; init; } = 4;
}
