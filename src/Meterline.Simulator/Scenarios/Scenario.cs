namespace Meterline.Simulator.Scenarios;

/// <summary>
/// A fault applied to some meters over an interval of simulated time (grammar in <see cref="ScenarioParser"/> and
/// docs/simulator.md).
/// </summary>
/// <param name="Kind">What happens.</param>
/// <param name="Meters">Which meters (fleet indexes).</param>
/// <param name="At">When it starts (simulated UTC); null: at the start of the simulation.</param>
/// <param name="For">How long it lasts; null: to the end of the simulation.</param>
/// <param name="Factor">The voltage factor of a sag (0 &lt; factor &lt; 1).</param>
/// <param name="Ppm">The clock drift, parts per million (non-zero, -1000 to 1000).</param>
/// <param name="Hertz">The supply frequency of a frequency excursion, Hz (more than 40, less than 70).</param>
public sealed record Scenario(ScenarioKind Kind, MeterRange Meters, DateTimeOffset? At, TimeSpan? For, double? Factor = null, double? Ppm = null, double? Hertz = null)
{
    /// <summary>The start, given the simulation's start instant.</summary>
    public DateTimeOffset StartsAt(DateTimeOffset simulationStart) => At ?? simulationStart;

    /// <summary>The end, or null for none.</summary>
    public DateTimeOffset? EndsAt(DateTimeOffset simulationStart) => For is { } span ? StartsAt(simulationStart) + span : null;
}
