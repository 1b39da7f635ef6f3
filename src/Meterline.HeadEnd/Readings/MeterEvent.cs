using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// An event the meter logged or pushed (IS 15959 event code, e.g. 201 magnet influence, 251 cover open), with the
/// instantaneous values it captured. Unique by (<see cref="Meter"/>, <see cref="OccurredAt"/>, <see cref="Code"/>).
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="OccurredAt">The meter's time of the event, in UTC.</param>
/// <param name="Code">The event code from the profile's table.</param>
/// <param name="Values">The instantaneous values at the event (voltage, currents, power factor, import).</param>
/// <param name="ReceivedAt">When the head-end stored it.</param>
public sealed record MeterEvent(
    MeterId Meter,
    DateTimeOffset OccurredAt,
    int Code,
    IReadOnlyList<RegisterValue> Values,
    DateTimeOffset ReceivedAt);
