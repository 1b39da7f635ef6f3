using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>Wrapped meter keys in memory, for unit tests.</summary>
public sealed class InMemoryMeterKeyStore : IMeterKeyStore
{
    private readonly Lock _lock = new();
    private readonly List<StoredMeterKey> _keys = [];

    public Task SaveAsync(IReadOnlyList<StoredMeterKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            if (keys.Any(k => _keys.Any(s => s.Meter == k.Meter && s.Kind == k.Kind && s.Generation == k.Generation)))
            {
                throw new InvalidOperationException("A key of that meter, kind and generation is already stored.");
            }

            _keys.AddRange(keys);
        }

        return Task.CompletedTask;
    }

    public Task ReplaceAsync(StoredMeterKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            _keys.RemoveAll(s => s.Meter == key.Meter && s.Kind == key.Kind && s.Generation == key.Generation);
            _keys.Add(key);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredMeterKey>> GetAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredMeterKey> list = _keys.Where(k => k.Meter == meter && k.Generation == generation).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<MeterId>> FindByFingerprintAsync(ReadOnlyMemory<byte> fingerprint, MeterId? except = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<MeterId> list = _keys.Where(k => k.Fingerprint.Span.SequenceEqual(fingerprint.Span) && k.Meter != except).Select(k => k.Meter).Distinct().ToList();
            return Task.FromResult(list);
        }
    }
}
