namespace Meterline.Meter.Metrology;

/// <summary>
/// What a scenario does to the meter and its supply, passed to every <see cref="MetrologyEngine.Step"/>.
/// <c>default</c> is <see cref="Normal"/>: normal supply, no tamper, relay closed.
/// </summary>
/// <remarks>
/// Neutral tampers: with <see cref="EarthReturnShare"/> (a <see cref="NeutralDisturbance"/>; 1 when
/// <see cref="MissingNeutral"/>) part of the load current returns through earth instead of the meter's neutral, so
/// the neutral current is below the phase current; with <see cref="PhaseBypassShare"/> part of the load takes its
/// phase from outside the meter and returns through its neutral, so the phase current is below the neutral current.
/// Either way the meter, as anti-tamper practice for single-phase meters (IS 13779 / CBIP 304) requires, registers
/// energy on the larger of the two currents.
/// </remarks>
public readonly record struct MetrologyConditions
{
    /// <summary>Normal supply, no tamper, relay closed.</summary>
    public static MetrologyConditions Normal => default;

    /// <summary>The supply: normal, outage, sag or over-voltage.</summary>
    public GridCondition Grid { get; init; }

    /// <summary>
    /// A strong magnet at the meter: it saturates the current sensors, so the meter sees only
    /// <see cref="MetrologyEngine.MagnetCurrentFactor"/> of the true phase and neutral currents (and under-registers
    /// energy by that factor), and its magnetic field sensor reports the field.
    /// </summary>
    public bool Magnet { get; init; }

    /// <summary>The neutral is cut at the meter: all load current returns through earth (neutral current 0).</summary>
    public bool MissingNeutral { get; init; }

    /// <summary>The share of the load current returning through earth instead of the meter's neutral, in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double EarthReturnShare
    {
        get;
        init => field = ValidShare(value, nameof(EarthReturnShare));
    }

    /// <summary>The share of the load whose phase bypasses the meter (returning through its neutral), in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double PhaseBypassShare
    {
        get;
        init => field = ValidShare(value, nameof(PhaseBypassShare));
    }

    /// <summary>
    /// The share of the load connected ahead of the meter, in [0, 1]: a tap on the service cable before the meter
    /// (phase and neutral both bypass it), so the meter sees neither current and registers only the rest. Unlike
    /// <see cref="PhaseBypassShare"/> it leaves phase and neutral currents equal: no neutral disturbance, no event.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1].</exception>
    public double LoadBypassShare
    {
        get;
        init => field = ValidShare(value, nameof(LoadBypassShare));
    }

    /// <summary>Line and load terminals swapped: current flows backwards through the phase element.</summary>
    public bool ReverseCurrent { get; init; }

    /// <summary>
    /// The supply frequency imposed on the meter, Hz (a frequency excursion of the grid); null: the grid model's. Ignored
    /// without supply (0 Hz in an outage).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 100).</exception>
    public double? SupplyFrequency
    {
        get;
        init => field = value is not { } hz || (hz > 0 && hz < 100) ? value : throw new ArgumentOutOfRangeException(nameof(SupplyFrequency), value, "A supply frequency is more than 0 and less than 100 Hz");
    }

    /// <summary>The meter's own load switch is open: voltage is present, no load current flows.</summary>
    public bool RelayOpen { get; init; }

    /// <summary>No supply.</summary>
    public bool Outage => Grid.Kind == GridConditionKind.Outage;

    /// <summary>Any neutral tamper: a missing neutral, an earth return or a phase bypass.</summary>
    public bool NeutralDisturbance => MissingNeutral || EarthReturnShare > 0 || PhaseBypassShare > 0;

    private static double ValidShare(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "A share is from 0 to 1");
        }

        return value;
    }
}
