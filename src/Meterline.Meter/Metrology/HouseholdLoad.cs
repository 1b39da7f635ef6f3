namespace Meterline.Meter.Metrology;

/// <summary>The demand of a household at one instant, at nominal voltage.</summary>
/// <param name="ActiveWatts">Active power, W (never negative).</param>
/// <param name="ReactiveVar">Reactive power, var (never negative: the loads are inductive, lagging).</param>
public readonly record struct HouseholdLoad(double ActiveWatts, double ReactiveVar)
{
    /// <summary>Apparent power, VA.</summary>
    public double ApparentVoltAmperes => Math.Sqrt((ActiveWatts * ActiveWatts) + (ReactiveVar * ReactiveVar));

    /// <summary>The (unsigned, lagging) power factor P/S; 1 when nothing draws power.</summary>
    public double PowerFactor => ApparentVoltAmperes > 0 ? ActiveWatts / ApparentVoltAmperes : 1;
}
