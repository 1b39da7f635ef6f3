namespace Meterline.Meter.Metrology;

/// <summary>
/// What a <see cref="MetrologyEngine"/> measures: the demand behind the meter at an instant, at nominal voltage. A
/// household (<see cref="HouseholdLoadModel"/>) or, for a transformer's meter, the sum of the loads it supplies.
/// Implementations are pure functions of their seeds and the time, so that a meter's measurements do not depend on how
/// it is stepped.
/// </summary>
public interface ILoadSource
{
    /// <summary>The demand at <paramref name="localTime"/> (the meter's local offset), at nominal voltage.</summary>
    HouseholdLoad Load(DateTimeOffset localTime);
}
