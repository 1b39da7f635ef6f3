namespace Meterline.Simulator.Time;

/// <summary>
/// A timer whose due time and period are simulated time. It waits on a one-shot system timer scaled to real time, and
/// when that fires checks the simulated clock: system timers run on a coarse clock and may fire a few milliseconds
/// early, so an early wake-up re-arms for the rest instead of calling back. The callback therefore never runs before
/// its simulated due time on <see cref="AcceleratedTimeProvider.GetUtcNow"/>. Periods are kept by the timer itself
/// (each next due time is the previous one plus the period, so ticks do not drift).
/// </summary>
internal sealed class AcceleratedTimer : ITimer
{
    private const long NotDue = long.MaxValue;

    private readonly AcceleratedTimeProvider _provider;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly Lock _lock = new();
    private readonly ITimer _inner;
    private long _due = NotDue;
    private long _period;

    public AcceleratedTimer(AcceleratedTimeProvider provider, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _provider = provider;
        _callback = callback;
        _state = state;
        _inner = TimeProvider.System.CreateTimer(static self => ((AcceleratedTimer)self!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Change(dueTime, period);
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        }

        lock (_lock)
        {
            _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _due = NotDue;
                return _inner.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            _due = _provider.GetTimestamp() + dueTime.Ticks;
            return _inner.Change(_provider.Scale(dueTime, isPeriod: false), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _inner.Dispose();

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private void Fire()
    {
        lock (_lock)
        {
            if (_due == NotDue)
            {
                return;
            }

            var now = _provider.GetTimestamp();
            if (_due > now)
            {
                // Woken early by the coarse system clock: wait for the rest.
                _inner.Change(_provider.Scale(TimeSpan.FromTicks(_due - now), isPeriod: false), Timeout.InfiniteTimeSpan);
                return;
            }

            if (_period > 0)
            {
                _due += _period;
                _inner.Change(_due > now ? _provider.Scale(TimeSpan.FromTicks(_due - now), isPeriod: false) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _due = NotDue;
            }
        }

        _callback(_state);
    }
}
