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

    /// <summary>Nominal supply frequency, Hz.</summary>
    public double NominalFrequency { get; init; } = 50;

    /// <summary>Allowed deviation of the frequency either way, a share of nominal (EN 50160: ±1 % for 99.5 % of a year).</summary>
    public double FrequencyTolerance { get; init; } = 0.01;

    /// <summary>Frequency readings in a row out of band before an alert (each is one scheduled read).</summary>
    public int SustainedFrequencyReadings { get; init; } = 1;

    /// <summary>
    /// How often every meter's frequency (1.0.14.7.0.255) is read through the command path; null: never (the default,
    /// since it loads every meter's link with a read per period).
    /// </summary>
    public TimeSpan? FrequencyReadPeriod { get; init; }

    /// <summary>Frequency reads requested per period, at most (the registry is walked on from where the last period stopped).</summary>
    public int MaxFrequencyReadsPerPeriod { get; init; } = 500;

    /// <summary>The actor the frequency reads are requested by (audited).</summary>
    public string FrequencyReadActor { get; init; } = "power-quality";

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

    /// <summary>
    /// The memory the live rounds may hold meters' windows in (docs/ingest.md "Held windows"; the serve option
    /// <c>--analytics-window-memory</c> sets this and the analytics' budget alike); 0: every round reads the store.
    /// </summary>
    public long WindowMemoryBudget { get; init; } = 64L * 1024 * 1024;

    /// <summary>Records taken from the feed per round.</summary>
    public int MaxRecordsPerRound { get; init; } = 10_000;

    /// <summary>Meters remembered as touched between rounds; more and the round evaluates every meter from the store.</summary>
    public int MaxPendingMeters { get; init; } = 50_000;

    /// <summary>The band's lower limit, V (rounded to a microvolt, so that 230 · 0.9 is 207 exactly).</summary>
    public double LowerLimit => Math.Round(NominalVoltage * (1 - UnderVoltageTolerance), 6);

    /// <summary>The band's upper limit, V.</summary>
    public double UpperLimit => Math.Round(NominalVoltage * (1 + OverVoltageTolerance), 6);

    /// <summary>The frequency band's lower limit, Hz (rounded to a micro-hertz, so that 50 · 0.99 is 49.5 exactly).</summary>
    public double FrequencyLowerLimit => Math.Round(NominalFrequency * (1 - FrequencyTolerance), 6);

    /// <summary>The frequency band's upper limit, Hz.</summary>
    public double FrequencyUpperLimit => Math.Round(NominalFrequency * (1 + FrequencyTolerance), 6);

    /// <summary>Where a frequency lies against its band, limits included; 0 Hz (or less) is no supply.</summary>
    public VoltageBand ClassifyFrequency(double hertz) =>
        hertz <= 0 ? VoltageBand.NoSupply
        : hertz < FrequencyLowerLimit ? VoltageBand.Under
        : hertz > FrequencyUpperLimit ? VoltageBand.Over
        : VoltageBand.Normal;

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
            || MinimumPowerFactor is <= 0 or > 1 || SustainedIntervals < 1 || SustainedReadings < 1 || BlockPeriod <= TimeSpan.Zero || Lookback <= TimeSpan.Zero || WindowMemoryBudget < 0
            || MaxRecordsPerRound < 1 || MaxPendingMeters < 1 || NominalFrequency <= 0 || FrequencyTolerance is <= 0 or >= 1 || SustainedFrequencyReadings < 1
            || FrequencyReadPeriod <= TimeSpan.Zero || MaxFrequencyReadsPerPeriod < 1 || string.IsNullOrWhiteSpace(FrequencyReadActor))
        {
            throw new ArgumentException("Power quality options: a positive nominal voltage, tolerances in (0, 1), a no-supply level below the band, a minimum power factor in (0, 1], a positive nominal frequency with a tolerance in (0, 1), runs of at least 1, positive periods and bounds, a frequency read actor.");
        }
    }
}
