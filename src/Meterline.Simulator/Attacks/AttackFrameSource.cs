namespace Meterline.Simulator.Attacks;

/// <summary>
/// The APDUs a flood or replay sends, shared by its sending loops: the given <see cref="AttackOptions.Frames"/> in
/// turn; else fresh pushes under the <see cref="AttackOptions.Meter"/>'s keys (<see cref="AttackFrames"/>); else
/// anonymous frames (<see cref="AttackFrames.Anonymous"/>). Thread-safe.
/// </summary>
public sealed class AttackFrameSource : IDisposable
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _given;
    private readonly AttackFrames? _meter;
    private readonly Lock _lock = new();
    private long _next;

    public AttackFrameSource(AttackOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _given = options.Frames;
        if (_given.Count == 0 && options.Meter is { } meter)
        {
            _meter = new AttackFrames(meter, AttackFrames.CounterNow(time));
        }
    }

    /// <summary>The next APDU to send.</summary>
    public ReadOnlyMemory<byte> Next()
    {
        if (_given.Count > 0)
        {
            return _given[(int)(Interlocked.Increment(ref _next) % _given.Count)];
        }

        if (_meter is null)
        {
            return AttackFrames.Anonymous();
        }

        lock (_lock)
        {
            return _meter.Next();
        }
    }

    public void Dispose() => _meter?.Dispose();
}
