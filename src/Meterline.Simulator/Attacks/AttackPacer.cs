namespace Meterline.Simulator.Attacks;

/// <summary>
/// Paces one sending loop at a rate: <see cref="WaitAsync"/> returns how many frames are due now (at least one),
/// waiting until the next one is due when the loop is ahead. A rate of 0 sends as fast as the loop goes. Not
/// thread-safe: one per loop.
/// </summary>
public sealed class AttackPacer
{
    /// <summary>The most frames one call lets a loop send before it asks again (keeps a late loop from bursting without bound).</summary>
    public const int MaxBatch = 256;

    private readonly double _rate;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _sent;

    public AttackPacer(double framesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(framesPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        _rate = framesPerSecond;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Waits until at least one frame is due and returns how many are (the caller sends them and calls again).</summary>
    public async ValueTask<int> WaitAsync(CancellationToken cancellationToken)
    {
        if (_rate == 0)
        {
            _sent += MaxBatch;
            return MaxBatch;
        }

        while (true)
        {
            var due = (long)(_time.GetElapsedTime(_started).TotalSeconds * _rate) - _sent;
            if (due >= 1)
            {
                var batch = (int)Math.Min(due, MaxBatch);
                _sent += batch;
                return batch;
            }

            var wait = TimeSpan.FromSeconds((1 - due) / _rate);
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
