namespace Meterline.Meter.Metrology;

/// <summary>
/// The measuring element of one meter: a household behind it, the supply in front of it, and the energy registers it
/// integrates. The meter calls <see cref="Step"/> with true local time; the engine evaluates the household and the
/// grid (pure functions of seed and time), applies the scenario's <see cref="MetrologyConditions"/>, and integrates
/// the registered power into <see cref="Registers"/>. A step allocates nothing.
/// </summary>
/// <remarks>
/// Loads are modelled with a voltage exponent of one (a mix of constant-power electronics and constant-impedance
/// heaters): active and reactive power scale with V/230, so the current stays that of the load. Energy is the
/// registered power at the end of each sub-step times its length (sub-steps of at most <see cref="MaxSubStep"/>).
/// Import and export are exclusive at an instant; apparent energy accumulates while importing (OBIS C = 9, S+).
/// </remarks>
public sealed class MetrologyEngine
{
    /// <summary>The longest span one <see cref="Step"/> integrates; any earlier part of a longer step is skipped
    /// and counted in <see cref="UnintegratedTime"/>.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(7);

    /// <summary>The default longest sub-step: one minute, the resolution of the load and grid models.</summary>
    public static readonly TimeSpan DefaultMaxSubStep = TimeSpan.FromMinutes(1);

    /// <param name="household">The household behind the meter.</param>
    /// <param name="gridSeed">Seeds the supply (<see cref="GridModel"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="household"/> is null.</exception>
    public MetrologyEngine(HouseholdProfile household, int gridSeed)
        : this(new HouseholdLoadModel(household ?? throw new ArgumentNullException(nameof(household))), gridSeed)
    {
    }

    /// <param name="load">What the meter measures (a household, or the sum of the loads behind a transformer).</param>
    /// <param name="gridSeed">Seeds the supply (<see cref="GridModel"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="load"/> is null.</exception>
    public MetrologyEngine(ILoadSource load, int gridSeed)
    {
        ArgumentNullException.ThrowIfNull(load);
        LoadSource = load;
        Household = load as HouseholdLoadModel;
        Grid = new GridModel(gridSeed);
    }

    /// <summary>The household model; null when the engine measures another <see cref="ILoadSource"/>.</summary>
    public HouseholdLoadModel? Household { get; }

    /// <summary>What the engine measures.</summary>
    public ILoadSource LoadSource { get; }

    /// <summary>The supply model.</summary>
    public GridModel Grid { get; }

    /// <summary>The cumulative energy registers.</summary>
    public EnergyRegisters Registers { get; } = new();

    /// <summary>The energies the last <see cref="Step"/> added (zero after an ignored step).</summary>
    public StepEnergy LastStepEnergy { get; private set; }

    /// <summary>The values at the end of the last <see cref="Step"/> or <see cref="Measure"/>.</summary>
    public MetrologySample LastSample { get; private set; }

    /// <summary>Time skipped because a step was longer than <see cref="MaxStep"/>.</summary>
    public TimeSpan UnintegratedTime { get; private set; }

    /// <summary>The longest sub-step a step is integrated in, from 1 s to 1 h (default one minute).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1 s to 1 h.</exception>
    public TimeSpan MaxSubStep
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromSeconds(1));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromHours(1));
            field = value;
        }
    } = DefaultMaxSubStep;

    /// <summary>The share of the true current a magnet-saturated sensor reports, in [0, 1] (default 0.3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double MagnetCurrentFactor
    {
        get;
        set
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The magnet current factor is from 0 to 1");
            }

            field = value;
        }
    } = 0.3;

    /// <summary>
    /// Advances by <paramref name="dt"/> to <paramref name="trueLocalTime"/> (the END of the step: the span
    /// integrated is (trueLocalTime − dt, trueLocalTime]) and returns the values at its end. The energy goes to the
    /// registers, the import also to tariff zone <paramref name="tariffZone"/>. A step with <paramref name="dt"/> ≤ 0
    /// integrates nothing (the returned values are those at <paramref name="trueLocalTime"/>); a step longer than
    /// <see cref="MaxStep"/> integrates only its last seven days.
    /// </summary>
    /// <param name="trueLocalTime">True time at the end of the step, in the household's local offset.</param>
    /// <param name="dt">The length of the step.</param>
    /// <param name="conditions">The scenario's conditions, taken to hold for the whole step.</param>
    /// <param name="tariffZone">The tariff zone in force, 1–8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tariffZone"/> is not 1–8.</exception>
    public MetrologySample Step(DateTimeOffset trueLocalTime, TimeSpan dt, in MetrologyConditions conditions, int tariffZone = 1)
    {
        EnergyRegisters.ValidateZone(tariffZone);
        if (dt <= TimeSpan.Zero)
        {
            LastStepEnergy = default;
            return Measure(trueLocalTime, conditions);
        }

        if (dt > MaxStep)
        {
            UnintegratedTime += dt - MaxStep;
            dt = MaxStep;
        }

        var subSteps = (dt.Ticks + MaxSubStep.Ticks - 1) / MaxSubStep.Ticks;
        var start = trueLocalTime - dt;
        double import = 0, export = 0, apparent = 0;
        var sample = default(MetrologySample);
        for (var i = 1; i <= subSteps; i++)
        {
            var end = i == subSteps ? trueLocalTime : start + TimeSpan.FromTicks(dt.Ticks / subSteps * i);
            var previous = i == 1 ? start : start + TimeSpan.FromTicks(dt.Ticks / subSteps * (i - 1));
            var hours = (end - previous).TotalHours;
            sample = Evaluate(end, conditions);
            if (sample.ActivePower > 0)
            {
                import += sample.ActivePower * hours;
                apparent += sample.ApparentPower * hours;
            }
            else if (sample.ActivePower < 0)
            {
                export -= sample.ActivePower * hours;
            }
        }

        LastStepEnergy = new StepEnergy(import, export, apparent);
        Registers.Add(LastStepEnergy, tariffZone);
        LastSample = sample;
        return sample;
    }

    /// <summary>The values at <paramref name="trueLocalTime"/> under <paramref name="conditions"/>, integrating nothing.</summary>
    public MetrologySample Measure(DateTimeOffset trueLocalTime, in MetrologyConditions conditions)
    {
        LastSample = Evaluate(trueLocalTime, conditions);
        return LastSample;
    }

    private MetrologySample Evaluate(DateTimeOffset time, in MetrologyConditions conditions)
    {
        var supply = Grid.Sample(time, conditions.Grid);
        if (supply.Voltage <= 0)
        {
            return new MetrologySample(0, 0, 0, 0, 0, 1, 0, conditions.Magnet);
        }

        if (conditions.SupplyFrequency is { } imposed)
        {
            supply = supply with { Frequency = imposed };
        }

        if (conditions.RelayOpen)
        {
            return new MetrologySample(supply.Voltage, 0, 0, 0, 0, 1, supply.Frequency, conditions.Magnet);
        }

        var load = LoadSource.Load(time);
        var apparent = load.ApparentVoltAmperes * (supply.Voltage / GridModel.NominalVoltage);

        // A load connected ahead of the meter (both its phase and its neutral around it) never reaches the meter.
        var current = apparent / supply.Voltage * (1 - conditions.LoadBypassShare);
        var earthShare = conditions.MissingNeutral ? 1 : conditions.EarthReturnShare;
        var phase = current * (1 - conditions.PhaseBypassShare);
        var neutral = current * (1 - earthShare);
        if (conditions.Magnet)
        {
            phase *= MagnetCurrentFactor;
            neutral *= MagnetCurrentFactor;
        }

        // Energy on the larger of the two currents (anti-tamper practice for single-phase meters).
        var registeredApparent = supply.Voltage * Math.Max(phase, neutral);
        var powerFactor = load.PowerFactor;
        var sign = conditions.ReverseCurrent ? -1 : 1;
        return new MetrologySample(
            supply.Voltage, phase, neutral, sign * registeredApparent * powerFactor, registeredApparent, sign * powerFactor,
            supply.Frequency, conditions.Magnet);
    }
}
