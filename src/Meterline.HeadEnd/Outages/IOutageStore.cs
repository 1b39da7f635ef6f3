namespace Meterline.HeadEnd.Outages;

/// <summary>The outage records (docs/outages.md).</summary>
public interface IOutageStore
{
    /// <summary>Stores a new outage (its <see cref="Outage.Id"/> is ignored) and returns it with its id.</summary>
    Task<Outage> AddAsync(Outage outage, CancellationToken cancellationToken = default);

    /// <summary>Replaces an outage's state, restoration time, meters and alert; false when there is no such outage.</summary>
    Task<bool> UpdateAsync(Outage outage, CancellationToken cancellationToken = default);

    Task<Outage?> GetAsync(OutageId id, CancellationToken cancellationToken = default);

    /// <summary>Outages newest first (by id) before <paramref name="before"/>, at most <paramref name="limit"/> (1 to 10,000).</summary>
    Task<IReadOnlyList<Outage>> ListAsync(OutageFilter filter, OutageId? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Outages of a feeder that started before <paramref name="to"/> and were not restored before
    /// <paramref name="from"/> (open ones included), oldest first, at most <paramref name="limit"/> (1 to 10,000).
    /// </summary>
    Task<IReadOnlyList<Outage>> ListOverlappingAsync(string feederId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);
}
