using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>One consumer's interruption within an outage.</summary>
/// <param name="Meter">The meter (one meter is one consumer).</param>
/// <param name="LostAt">When it lost supply (its last gasp's time, or when it was last heard).</param>
/// <param name="Source">How the loss was learnt: <see cref="PowerSignalSource.LastGasp"/> or <see cref="PowerSignalSource.Silence"/>.</param>
/// <param name="RestoredAt">When its supply came back, or null while it is still off.</param>
public sealed record AffectedMeter(MeterId Meter, DateTimeOffset LostAt, PowerSignalSource Source, DateTimeOffset? RestoredAt = null)
{
    /// <summary>How long the interruption lasted (to <paramref name="now"/> while it goes on).</summary>
    public TimeSpan Duration(DateTimeOffset now)
    {
        var end = RestoredAt ?? now;
        return end > LostAt ? end - LostAt : TimeSpan.Zero;
    }
}
