using System.Diagnostics;

namespace Meterline.Simulator.Time;

/// <summary>
/// True time for a simulated fleet: it starts at a chosen instant and runs <see cref="Speed"/> times faster than
/// real time. <see cref="GetUtcNow"/> is the start plus the real time elapsed (measured with the monotonic
/// <see cref="Stopwatch"/> timestamp, so it never goes backwards when the wall clock is set) times the speed. Timers
/// wait real time divided by the speed, so <c>Task.Delay(x, provider)</c> waits x of simulated time. Timestamps
/// (<see cref="GetTimestamp"/>) count simulated 100 ns ticks, so elapsed-time measurements agree with the clock.
/// The local time zone is UTC: each meter keeps its own offset. Thread-safe.
/// </summary>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    /// <summary>The fastest speed accepted: a simulated day in under a second of real time.</summary>
    public const double MaxSpeed = 100_000;

    private readonly long _origin;
    private readonly double _simulatedTicksPerStopwatchTick;

    /// <param name="start">The simulated instant at this moment.</param>
    /// <param name="speed">How many simulated seconds pass per real second, 1 to 100,000.</param>
    public AcceleratedTimeProvider(DateTimeOffset start, double speed)
    {
        if (double.IsNaN(speed) || speed < 1 || speed > MaxSpeed)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The speed is 1 to 100,000");
        }

        Start = start.ToUniversalTime();
        Speed = speed;
        _simulatedTicksPerStopwatchTick = speed * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
        _origin = Stopwatch.GetTimestamp();
    }

    /// <summary>The simulated instant the provider started at (UTC).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; }

    /// <summary>Simulated time elapsed since <see cref="Start"/>.</summary>
    public TimeSpan SimulatedElapsed => TimeSpan.FromTicks(SimulatedTicks());

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(SimulatedTicks());

    public override long GetTimestamp() => SimulatedTicks();

    /// <summary>A timer whose due time and period are simulated time (each is waited for in real time / speed, and never ends early).</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new AcceleratedTimer(this, callback, state, dueTime, period);
    }

    /// <summary>
    /// Converts a simulated span to the real span to wait; infinite stays infinite and zero stays zero. System timers
    /// count whole milliseconds on a coarser clock than the stopwatch, so a wait is rounded up to the next millisecond
    /// and a due time gets one more: a timer never fires before its simulated time has come on <see cref="GetUtcNow"/>.
    /// (A positive period must not become 0, which would mean "not periodic" to the system timer.)
    /// </summary>
    internal TimeSpan Scale(TimeSpan simulated, bool isPeriod)
    {
        if (simulated == Timeout.InfiniteTimeSpan || simulated == TimeSpan.Zero)
        {
            return simulated;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(simulated, TimeSpan.Zero);
        var milliseconds = Math.Ceiling(simulated.Ticks / Speed / TimeSpan.TicksPerMillisecond);
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds + (isPeriod ? 0 : 1), uint.MaxValue - 1));
    }

    private long SimulatedTicks() => (long)((Stopwatch.GetTimestamp() - _origin) * _simulatedTicksPerStopwatchTick);
}
