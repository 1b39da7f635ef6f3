namespace Meterline.Meter.Events;

/// <summary>
/// The limits and persistence times of the meter's event detection (IS 15959 meters make them configurable; these
/// defaults suit a 230 V, 5–60 A single-phase meter).
/// </summary>
public sealed record TamperThresholds
{
    public double OverVoltage { get; init; } = 270;

    public double LowVoltage { get; init; } = 180;

    /// <summary>Below this the supply counts as failed.</summary>
    public double PowerFailVoltage { get; init; } = 50;

    public double OverCurrent { get; init; } = 60;

    /// <summary>Neutral and phase currents differ by more than this share of the larger (and <see cref="MinimumCurrentDifference"/>).</summary>
    public double CurrentMismatchRatio { get; init; } = 0.10;

    public double MinimumCurrentDifference { get; init; } = 0.5;

    /// <summary>Active power below minus this counts as reverse current.</summary>
    public double ReversePower { get; init; } = 20;

    public double VeryLowPowerFactor { get; init; } = 0.5;

    /// <summary>Power factor is judged only above this current.</summary>
    public double PowerFactorMinimumCurrent { get; init; } = 1;

    public TimeSpan OccurrenceTime { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan RestorationTime { get; init; } = TimeSpan.FromMinutes(1);
}
