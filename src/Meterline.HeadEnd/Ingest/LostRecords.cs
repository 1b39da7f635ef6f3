namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// What a subscriber's feed lost since it was last asked (<see cref="IngestSubscription.TakeLost"/>): the meters the lost
/// records touched, or, when more meters were touched than the feed remembers (<see cref="Overflowed"/>), nothing but
/// that fact — the subscriber then has to act on everything from the store.
/// </summary>
public sealed class LostRecords
{
    public static readonly LostRecords None = new([], false);

    internal LostRecords(IReadOnlyList<LostMeter> meters, bool overflowed)
    {
        Meters = meters;
        Overflowed = overflowed;
    }

    /// <summary>The touched meters (empty when <see cref="Overflowed"/>).</summary>
    public IReadOnlyList<LostMeter> Meters { get; }

    /// <summary>True when the lost records touched more meters than the feed remembers.</summary>
    public bool Overflowed { get; }

    /// <summary>True when nothing was lost.</summary>
    public bool IsEmpty => !Overflowed && Meters.Count == 0;
}
