using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A meter registry that keeps the ingest pipeline's <see cref="MeterDirectory"/> current: after every change that
/// commits (registration, registration change, relay, communication or key status), the meter is read back and set
/// in the directory, so the ingress guard sees a new meter, a new key generation or a compromised key at once.
/// Reads pass straight through.
/// </summary>
public sealed class DirectoryUpdatingMeterRepository(IMeterRepository inner, MeterDirectory directory) : IMeterRepository
{
    private readonly IMeterRepository _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly MeterDirectory _directory = directory ?? throw new ArgumentNullException(nameof(directory));

    public async Task<Meter> AddAsync(MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        var meter = await _inner.AddAsync(registration, cancellationToken).ConfigureAwait(false);
        _directory.Set(meter);
        return meter;
    }

    public Task<Meter?> GetAsync(MeterId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    public Task<Meter?> FindBySerialAsync(string serial, CancellationToken cancellationToken = default) => _inner.FindBySerialAsync(serial, cancellationToken);

    public Task<Meter?> FindBySystemTitleAsync(MeterSystemTitle systemTitle, CancellationToken cancellationToken = default) =>
        _inner.FindBySystemTitleAsync(systemTitle, cancellationToken);

    public Task<Page<Meter>> ListAsync(MeterFilter filter, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default) =>
        _inner.ListAsync(filter, pageSize, pageToken, cancellationToken);

    public async IAsyncEnumerable<Meter> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var meter in _inner.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return meter;
        }
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    public async Task UpdateRegistrationAsync(MeterId id, MeterRegistration registration, CancellationToken cancellationToken = default)
    {
        await _inner.UpdateRegistrationAsync(id, registration, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(id).ConfigureAwait(false);
    }

    public async Task SetRelayStateAsync(MeterId id, RelayState state, CancellationToken cancellationToken = default)
    {
        await _inner.SetRelayStateAsync(id, state, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(id).ConfigureAwait(false);
    }

    public async Task<bool> TrySetRelayStateAsync(MeterId id, RelayState expected, RelayState state, CancellationToken cancellationToken = default)
    {
        var changed = await _inner.TrySetRelayStateAsync(id, expected, state, cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await RefreshAsync(id).ConfigureAwait(false);
        }

        return changed;
    }

    // Heard times change with every batch; the guard does not use them, so the directory is not refreshed for them.
    public Task MarkHeardAsync(IReadOnlyCollection<KeyValuePair<MeterId, DateTimeOffset>> heard, CancellationToken cancellationToken = default) =>
        _inner.MarkHeardAsync(heard, cancellationToken);

    public async Task SetCommunicationAsync(MeterId id, CommunicationStatus status, CancellationToken cancellationToken = default)
    {
        await _inner.SetCommunicationAsync(id, status, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(id).ConfigureAwait(false);
    }

    public async Task SetKeyStatusAsync(MeterId id, KeyStatus status, int? newGeneration = null, CancellationToken cancellationToken = default)
    {
        await _inner.SetKeyStatusAsync(id, status, newGeneration, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(id).ConfigureAwait(false);
    }

    // The change has committed: the directory follows it even if the caller is being cancelled.
    private async Task RefreshAsync(MeterId id)
    {
        if (await _inner.GetAsync(id, CancellationToken.None).ConfigureAwait(false) is { } meter)
        {
            _directory.Set(meter);
        }
        else
        {
            _directory.Remove(id);
        }
    }
}
