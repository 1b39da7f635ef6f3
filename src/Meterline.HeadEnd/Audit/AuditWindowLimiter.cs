namespace Meterline.HeadEnd.Audit;

/// <summary>
/// Once per key per <see cref="Window"/>: what keeps a flood of refusals (frames, requests, sign-ins) from flooding the
/// audit log. A key is typically (source, what happened). The table of keys is bounded (<c>maxKeys</c>): when it is
/// full and no entry has expired, a new key is not admitted. What is not admitted is counted: <see cref="Suppressed"/>
/// (the same key within the window), <see cref="Dropped"/> (no room, or the caller's admission refused). Thread-safe.
/// </summary>
/// <typeparam name="TKey">What is limited once per window.</typeparam>
public sealed class AuditWindowLimiter<TKey>
    where TKey : notnull
{
    private readonly TimeProvider _time;
    private readonly int _maxKeys;
    private readonly Dictionary<TKey, long> _lastAdmitted = [];
    private readonly Lock _lock = new();
    private long _suppressed;
    private long _dropped;

    public AuditWindowLimiter(TimeProvider time, TimeSpan window, int maxKeys)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _time = time;
        Window = window;
        _maxKeys = maxKeys;
    }

    public TimeSpan Window { get; }

    /// <summary>Not admitted because the same key was admitted within the window.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>Not admitted because the table of keys was full, or the caller's admission refused.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// True when <paramref name="key"/> was not admitted within the window, there is room for it, and
    /// <paramref name="admit"/> (run under the limiter's lock, so keep it short: queueing an entry) agrees; the key then
    /// counts as admitted now.
    /// </summary>
    public bool TryAdmit(TKey key, Func<bool>? admit = null)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_lastAdmitted.TryGetValue(key, out var last) && _time.GetElapsedTime(last, now) < Window)
            {
                _suppressed++;
                return false;
            }

            if ((!_lastAdmitted.ContainsKey(key) && _lastAdmitted.Count >= _maxKeys && RemoveExpiredLocked(now) == 0) || (admit is not null && !admit()))
            {
                _dropped++;
                return false;
            }

            _lastAdmitted[key] = now;
            return true;
        }
    }

    private int RemoveExpiredLocked(long now)
    {
        var removed = 0;
        foreach (var (key, at) in _lastAdmitted)
        {
            if (_time.GetElapsedTime(at, now) >= Window)
            {
                _lastAdmitted.Remove(key);
                removed++;
            }
        }

        return removed;
    }
}
