namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// Power quality thresholds (docs/outages.md lists each with its default) and how the monitor runs. The voltage band is
/// nominal ± tolerance, limits included (230 V ± 10 %: 207.0 V to 253.0 V are in band).
/// </summary>
public sealed record PowerQualityOptions
{
    /// <summary>Nominal supply voltage, V.</summary>
    public double NominalVoltage { get; init; } = 230;

    /// <summary>Allowed deviation below nominal, a share of it.</summary>
    public double UnderVoltageTolerance { get; init; } = 0.10;

    /// <summary>Allowed deviation above nominal, a share of it.</summary>
    public double OverVoltageTolerance { get; init; } = 0.10;

    /// <summary>A voltage below this is no supply (an outage, counted apart), V.</summary>
    public double NoSupplyVoltage { get; init; } = 50;

    /// <summary>A power factor (its magnitude) below this is low.</summary>
    public double MinimumPowerFactor { get; init; } = 0.8;

    /// <summary>Block intervals in a row out of band before an alert.</summary>
    public int SustainedIntervals { get; init; } = 2;

    /// <summary>Power factor readings in a row below the minimum before an alert.</summary>
    public int SustainedReadings { get; init; } = 3;

    /// <summary>The meters' block period: the minutes one block interval stands for.</summary>
    public TimeSpan BlockPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How much of a meter's data before its newest the live alerts look at.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Records taken from the feed per round.</summary>
    public int MaxRecordsPerRound { get; init; } = 10_000;

    /// <summary>Meters remembered as touched between rounds; more and the round evaluates every meter from the store.</summary>
    public int MaxPendingMeters { get; init; } = 50_000;

    /// <summary>The band's lower limit, V (rounded to a microvolt, so that 230 · 0.9 is 207 exactly).</summary>
    public double LowerLimit => Math.Round(NominalVoltage * (1 - UnderVoltageTolerance), 6);

    /// <summary>The band's upper limit, V.</summary>
    public double UpperLimit => Math.Round(NominalVoltage * (1 + OverVoltageTolerance), 6);

    public VoltageBand Classify(double voltage) =>
        voltage < NoSupplyVoltage ? VoltageBand.NoSupply
        : voltage < LowerLimit ? VoltageBand.Under
        : voltage > UpperLimit ? VoltageBand.Over
        : VoltageBand.Normal;

    /// <summary>True when a power factor's magnitude is below the minimum (the sign only says which way power flows).</summary>
    public bool IsLowPowerFactor(double powerFactor) => Math.Abs(powerFactor) < MinimumPowerFactor;

    public void Validate()
    {
        if (NominalVoltage <= 0 || UnderVoltageTolerance is <= 0 or >= 1 || OverVoltageTolerance <= 0 || NoSupplyVoltage < 0 || NoSupplyVoltage >= LowerLimit
            || MinimumPowerFactor is <= 0 or > 1 || SustainedIntervals < 1 || SustainedReadings < 1 || BlockPeriod <= TimeSpan.Zero || Lookback <= TimeSpan.Zero
            || MaxRecordsPerRound < 1 || MaxPendingMeters < 1)
        {
            throw new ArgumentException("Power quality options: a positive nominal voltage, tolerances in (0, 1), a no-supply level below the band, a minimum power factor in (0, 1], runs of at least 1, positive periods and bounds.");
        }
    }
}
