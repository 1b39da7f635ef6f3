using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>
/// One meter losing or regaining supply, as the head-end learnt it.
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="At">When it happened: the event's or reading's time for <see cref="PowerSignalSource.LastGasp"/>,
/// <see cref="PowerSignalSource.Restoration"/> and <see cref="PowerSignalSource.Heard"/>; the last time the head-end
/// heard the meter for <see cref="PowerSignalSource.Silence"/>.</param>
/// <param name="SeenAt">When the head-end learnt it (its own clock).</param>
/// <param name="Source">How.</param>
public sealed record PowerSignal(MeterId Meter, DateTimeOffset At, DateTimeOffset SeenAt, PowerSignalSource Source)
{
    /// <summary>True when the meter lost supply (a last gasp or silence).</summary>
    public bool IsLoss => Source is PowerSignalSource.LastGasp or PowerSignalSource.Silence;
}
