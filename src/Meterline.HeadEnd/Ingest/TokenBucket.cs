namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: starts full with <see cref="TokenBucketSettings.Burst"/> tokens,
/// refills continuously at <see cref="TokenBucketSettings.RatePerSecond"/>, and each <see cref="TryTake"/> spends one.
/// Thread-safe.
/// </summary>
public sealed class TokenBucket
{
    private readonly TokenBucketSettings _settings;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _updated;

    public TokenBucket(TokenBucketSettings settings, TimeProvider time)
    {
        settings.Validate();
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
        _tokens = settings.Burst;
        _updated = time.GetTimestamp();
        LastUsed = _updated;
    }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last <see cref="TryTake"/>.</summary>
    public long LastUsed { get; private set; }

    /// <summary>Tokens available now (fractional).</summary>
    public double Available
    {
        get
        {
            lock (_lock)
            {
                Refill(_time.GetTimestamp());
                return _tokens;
            }
        }
    }

    /// <summary>Spends one token; false (and nothing spent) when the bucket is empty.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Refill(now);
            LastUsed = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>True when the bucket has refilled completely since it was last used: forgetting it loses nothing.</summary>
    public bool IsFull
    {
        get
        {
            lock (_lock)
            {
                Refill(_time.GetTimestamp());
                return _tokens >= _settings.Burst;
            }
        }
    }

    private void Refill(long now)
    {
        var elapsed = _time.GetElapsedTime(_updated, now);
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(_settings.Burst, _tokens + (elapsed.TotalSeconds * _settings.RatePerSecond));
        }

        _updated = now;
    }
}
