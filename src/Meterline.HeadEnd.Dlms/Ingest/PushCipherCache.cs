using Meterline.Dlms.Security;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// One <see cref="AesGcmCipher"/> per (meter, key generation), at most <see cref="Capacity"/>, least recently used
/// evicted (creating a cipher per message halves throughput, PERFORMANCE.md). Keys come from the
/// <see cref="IMeterKeyring"/>; the unwrapped secrets are disposed (zeroed) as soon as the cipher holds them.
/// Thread-safe.
/// </summary>
internal sealed class PushCipherCache : IDisposable
{
    private readonly IMeterKeyring _keyring;
    private readonly Dictionary<(MeterId Meter, int Generation), LinkedListNode<(MeterId Meter, int Generation, CachedCipher Cipher)>> _entries = [];
    private readonly LinkedList<(MeterId Meter, int Generation, CachedCipher Cipher)> _recency = new();
    private readonly Lock _lock = new();
    private long _misses;

    public PushCipherCache(IMeterKeyring keyring, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _keyring = keyring;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Ciphers built from the keyring (cache misses).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>A lease on the meter's cipher of that generation, or null when the keyring has no keys for it.</summary>
    public async ValueTask<CipherLease?> AcquireAsync(MeterId meter, int generation, CancellationToken cancellationToken)
    {
        if (TryLease(meter, generation) is { } cached)
        {
            return cached;
        }

        Interlocked.Increment(ref _misses);
        AesGcmCipher cipher;
        using (var secrets = await _keyring.GetSecretsAsync(meter, generation, cancellationToken).ConfigureAwait(false))
        {
            if (secrets is null)
            {
                return null;
            }

            cipher = new AesGcmCipher(CipherKey.FromBytes(secrets.Encryption), CipherKey.FromBytes(secrets.Authentication));
        }

        var entry = new CachedCipher(cipher);
        lock (_lock)
        {
            if (_entries.TryGetValue((meter, generation), out var raced))
            {
                // Another frame of the same meter built it first: use that one.
                entry.Release();
                _recency.Remove(raced);
                _recency.AddFirst(raced);
                return raced.Value.Cipher.Lease();
            }

            while (_entries.Count >= Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove((oldest.Value.Meter, oldest.Value.Generation));
                oldest.Value.Cipher.Release();
            }

            _entries[(meter, generation)] = _recency.AddFirst((meter, generation, entry));
            return entry.Lease();
        }
    }

    /// <summary>Forgets a meter's ciphers of every generation (after a key change or a compromise).</summary>
    public void Forget(MeterId meter)
    {
        lock (_lock)
        {
            foreach (var node in _entries.Where(e => e.Key.Meter == meter).Select(e => e.Value).ToList())
            {
                _entries.Remove((node.Value.Meter, node.Value.Generation));
                _recency.Remove(node);
                node.Value.Cipher.Release();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var node in _recency)
            {
                node.Cipher.Release();
            }

            _recency.Clear();
            _entries.Clear();
        }
    }

    private CipherLease? TryLease(MeterId meter, int generation)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue((meter, generation), out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Cipher.Lease();
        }
    }
}
