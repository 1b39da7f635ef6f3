using Meterline.HeadEnd.Analytics;

namespace Meterline.HeadEnd.Outages;

/// <summary>
/// A loss of supply the head-end recorded: its scope (one meter, a transformer or a feeder), when it started (the
/// earliest loss), when it was restored (the latest restoration, once every affected meter is back), and the meters
/// it affected. Raised as an alert of category <see cref="OutageCategories.Outage"/>.
/// </summary>
/// <param name="Id">The store's number for it (0 before it is stored).</param>
/// <param name="Scope">Meter, transformer or feeder.</param>
/// <param name="ScopeId">The meter's serial, the transformer's id or the feeder's id.</param>
/// <param name="FeederId">The feeder it happened on, if known.</param>
/// <param name="State">Open or restored.</param>
/// <param name="StartedAt">The earliest loss among the meters it was recorded with (a meter that joined later keeps its own loss time).</param>
/// <param name="RestoredAt">The latest restoration among its meters, once all are back.</param>
/// <param name="DetectedAt">When the head-end recorded it (its own clock).</param>
/// <param name="Meters">The affected meters, at most <see cref="MaxMeters"/>.</param>
/// <param name="Alert">The alert raised for it, once raised.</param>
public sealed record Outage(
    OutageId Id,
    OutageScope Scope,
    string ScopeId,
    string? FeederId,
    OutageState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? RestoredAt,
    DateTimeOffset DetectedAt,
    IReadOnlyList<AffectedMeter> Meters,
    AlertId? Alert = null)
{
    /// <summary>The most meters one outage records (a feeder's worth).</summary>
    public const int MaxMeters = 100_000;

    public const int MaxScopeIdLength = 256;

    /// <summary>How many consumers lost supply (one meter is one consumer).</summary>
    public int ConsumersAffected => Meters.Count;

    /// <summary>From the start to the restoration (to <paramref name="now"/> while it is open).</summary>
    public TimeSpan Duration(DateTimeOffset now)
    {
        var end = RestoredAt ?? now;
        return end > StartedAt ? end - StartedAt : TimeSpan.Zero;
    }
}
