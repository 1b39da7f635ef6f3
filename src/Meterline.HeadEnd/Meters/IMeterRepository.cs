namespace Meterline.HeadEnd.Meters;

/// <summary>The meter registry's storage. Serial and system title are unique; a clash is a <see cref="DuplicateMeterException"/>.</summary>
public interface IMeterRepository
{
    /// <summary>Adds a meter and assigns its id; relay unknown, communication unknown, keys active, generation 1.</summary>
    Task<Meter> AddAsync(MeterRegistration registration, CancellationToken cancellationToken = default);

    Task<Meter?> GetAsync(MeterId id, CancellationToken cancellationToken = default);

    Task<Meter?> FindBySerialAsync(string serial, CancellationToken cancellationToken = default);

    Task<Meter?> FindBySystemTitleAsync(MeterSystemTitle systemTitle, CancellationToken cancellationToken = default);

    /// <summary>Meters in id order after <paramref name="pageToken"/>; at most <paramref name="pageSize"/> (1 to 1,000).</summary>
    Task<Page<Meter>> ListAsync(MeterFilter filter, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>Every meter, in id order (for loading caches at start and for exports).</summary>
    IAsyncEnumerable<Meter> ReadAllAsync(CancellationToken cancellationToken = default);

    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the registration fields (consumer, location, transformer, feeder, endpoint, security level, profile).</summary>
    Task UpdateRegistrationAsync(MeterId id, MeterRegistration registration, CancellationToken cancellationToken = default);

    Task SetRelayStateAsync(MeterId id, RelayState state, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the relay state only if it still reads <paramref name="expected"/> (compare-and-set); false when it does not
    /// (another writer, e.g. a command's confirmation, changed it since it was read) or the meter is unknown.
    /// </summary>
    Task<bool> TrySetRelayStateAsync(MeterId id, RelayState expected, RelayState state, CancellationToken cancellationToken = default);

    /// <summary>Records when meters were last heard from (monotonic: an earlier time never overwrites a later one) and marks them online.</summary>
    Task MarkHeardAsync(IReadOnlyCollection<KeyValuePair<MeterId, DateTimeOffset>> heard, CancellationToken cancellationToken = default);

    Task SetCommunicationAsync(MeterId id, CommunicationStatus status, CancellationToken cancellationToken = default);

    /// <summary>Sets the key status; with <paramref name="newGeneration"/> also the key generation.</summary>
    Task SetKeyStatusAsync(MeterId id, KeyStatus status, int? newGeneration = null, CancellationToken cancellationToken = default);
}
