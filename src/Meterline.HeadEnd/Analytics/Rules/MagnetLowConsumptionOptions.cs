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

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (MagnetCode is < 0 or > 255 || Before <= TimeSpan.Zero || After <= TimeSpan.Zero || !(DropRatio is > 0 and < 1) || !(MinimumMeanBefore >= 0) || MinimumIntervals < 1)
        {
            throw new ArgumentException("Magnet then low consumption: an event code 0 to 255, positive spans before and after, 0 < drop ratio < 1, a mean at least 0, at least 1 interval.");
        }
    }
}
