using System.Globalization;
using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>The meter registry in memory, for unit tests.</summary>
public sealed class InMemoryMeterRepository : IMeterRepository
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, Meter> _meters = [];
    private int _next = 1;

    public Task<Meter> AddAsync(MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (_lock)
        {
            if (_meters.Values.Any(m => m.Serial == registration.Serial || m.SystemTitle == registration.SystemTitle))
            {
                throw new DuplicateMeterException($"A meter with serial {registration.Serial} or system title {registration.SystemTitle} is registered.");
            }

            var meter = new Meter(new MeterId(_next++), registration.Serial, registration.SystemTitle, registration.ProfileId, registration.ConsumerId,
                registration.Location, registration.TransformerId, registration.FeederId, registration.Endpoint, registration.SecurityLevel,
                RelayState.Unknown, CommunicationStatus.Unknown, null, KeyStatus.Active, 1);
            _meters[meter.Id.Value] = meter;
            return Task.FromResult(meter);
        }
    }

    /// <summary>Runs after each <see cref="GetAsync"/> has read its meter: lets a test put another writer between a read and the write that follows it.</summary>
    public Func<MeterId, Task>? AfterGet { get; set; }

    public async Task<Meter?> GetAsync(MeterId id, CancellationToken cancellationToken = default)
    {
        Meter? meter;
        lock (_lock)
        {
            meter = _meters.GetValueOrDefault(id.Value);
        }

        if (AfterGet is { } after)
        {
            await after(id).ConfigureAwait(false);
        }

        return meter;
    }

    public Task<Meter?> FindBySerialAsync(string serial, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_meters.Values.FirstOrDefault(m => m.Serial == serial));
        }
    }

    public Task<Meter?> FindBySystemTitleAsync(MeterSystemTitle systemTitle, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_meters.Values.FirstOrDefault(m => m.SystemTitle == systemTitle));
        }
    }

    public Task<Page<Meter>> ListAsync(MeterFilter filter, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        var after = pageToken is null ? 0 : int.Parse(pageToken, CultureInfo.InvariantCulture);
        lock (_lock)
        {
            var items = _meters.Values.Where(m => m.Id.Value > after && Matches(m, filter)).Take(pageSize + 1).ToList();
            var next = items.Count > pageSize ? items[pageSize - 1].Id.ToString() : null;
            return Task.FromResult(new Page<Meter>(items.Take(pageSize).ToList(), next));
        }
    }

    public async IAsyncEnumerable<Meter> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<Meter> all;
        lock (_lock)
        {
            all = [.. _meters.Values];
        }

        foreach (var meter in all)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return meter;
            await Task.Yield();
        }
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_meters.Count);
        }
    }

    public Task UpdateRegistrationAsync(MeterId id, MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Update(id, m => m with
        {
            ProfileId = registration.ProfileId, ConsumerId = registration.ConsumerId, Location = registration.Location,
            TransformerId = registration.TransformerId, FeederId = registration.FeederId, Endpoint = registration.Endpoint,
            SecurityLevel = registration.SecurityLevel,
        });
    }

    public Task SetRelayStateAsync(MeterId id, RelayState state, CancellationToken cancellationToken = default) => Update(id, m => m with { RelayState = state });

    public Task<bool> TrySetRelayStateAsync(MeterId id, RelayState expected, RelayState state, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_meters.TryGetValue(id.Value, out var m) || m.RelayState != expected)
            {
                return Task.FromResult(false);
            }

            _meters[id.Value] = m with { RelayState = state };
            return Task.FromResult(true);
        }
    }

    public Task MarkHeardAsync(IReadOnlyCollection<KeyValuePair<MeterId, DateTimeOffset>> heard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(heard);
        lock (_lock)
        {
            foreach (var (id, at) in heard)
            {
                if (_meters.TryGetValue(id.Value, out var m))
                {
                    _meters[id.Value] = m with { LastHeardAt = m.LastHeardAt is { } last && last > at ? last : at, Communication = CommunicationStatus.Online };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task SetCommunicationAsync(MeterId id, CommunicationStatus status, CancellationToken cancellationToken = default) => Update(id, m => m with { Communication = status });

    public Task SetKeyStatusAsync(MeterId id, KeyStatus status, int? newGeneration = null, CancellationToken cancellationToken = default) =>
        Update(id, m => m with { KeyStatus = status, KeyGeneration = newGeneration ?? m.KeyGeneration });

    private Task Update(MeterId id, Func<Meter, Meter> change)
    {
        lock (_lock)
        {
            if (!_meters.TryGetValue(id.Value, out var m))
            {
                throw new KeyNotFoundException($"No meter {id}.");
            }

            _meters[id.Value] = change(m);
        }

        return Task.CompletedTask;
    }

    private static bool Matches(Meter m, MeterFilter f) =>
        (f.Search is null || m.Serial.StartsWith(f.Search, StringComparison.OrdinalIgnoreCase) || (m.ConsumerId?.StartsWith(f.Search, StringComparison.OrdinalIgnoreCase) ?? false)
            || m.SystemTitle.ToString().StartsWith(f.Search, StringComparison.OrdinalIgnoreCase))
        && (f.TransformerId is null || m.TransformerId == f.TransformerId)
        && (f.FeederId is null || m.FeederId == f.FeederId)
        && (f.Communication is null || m.Communication == f.Communication)
        && (f.RelayState is null || m.RelayState == f.RelayState);
}
