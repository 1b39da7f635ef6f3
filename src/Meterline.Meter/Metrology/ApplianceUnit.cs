namespace Meterline.Meter.Metrology;

/// <summary>
/// One appliance that is either on (drawing <see cref="RatedWatts"/> at nominal voltage) or off. Switching is a
/// two-state Markov process in minutes: off → on with rate <c>propensity(t) / MeanOffMinutes</c>, on → off with rate
/// <c>offPressure(t) / MeanOnMinutes</c>, where the shape functions of <see cref="LoadShapes"/> give the time of day,
/// weekday and season.
/// </summary>
internal readonly record struct ApplianceUnit(
    ApplianceKind Kind,
    double RatedWatts,
    double PowerFactor,
    double MeanOnMinutes,
    double MeanOffMinutes)
{
    /// <summary>Reactive power per watt of active power: tan(acos(pf)), lagging.</summary>
    public double ReactivePerWatt => Math.Sqrt(1 - (PowerFactor * PowerFactor)) / PowerFactor;
}
