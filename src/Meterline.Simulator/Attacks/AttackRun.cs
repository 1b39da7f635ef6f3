namespace Meterline.Simulator.Attacks;

/// <summary>
/// The frame of one attack run: its counters, its clock, and a token that fires when the duration is over or the
/// caller cancels. <see cref="Loops"/> runs one loop per connection (or socket) until then.
/// </summary>
public sealed class AttackRun : IDisposable
{
    private readonly CancellationTokenSource _duration;
    private readonly CancellationTokenSource _stop;
    private readonly long _started;

    public AttackRun(AttackOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        Options = options;
        Time = time;
        _started = time.GetTimestamp();
        _duration = new CancellationTokenSource(options.Duration, time);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _duration.Token);
    }

    public AttackOptions Options { get; }

    public TimeProvider Time { get; }

    public AttackCounters Counters { get; } = new();

    /// <summary>Fires when the attack is over.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Runs <paramref name="loop"/> for each index below <paramref name="count"/> at once; a loop ends when <see cref="Stopping"/> fires.</summary>
    public async Task<AttackReport> LoopsAsync(int count, Func<int, Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var loops = new Task[count];
        for (var i = 0; i < count; i++)
        {
            loops[i] = RunLoopAsync(i, loop);
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        return Counters.ToReport(Time.GetElapsedTime(_started));
    }

    /// <summary>Waits <paramref name="delay"/> or until the attack is over; false when it is over.</summary>
    public async Task<bool> PauseAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _duration.Dispose();
    }

    private async Task RunLoopAsync(int index, Func<int, Task> loop)
    {
        try
        {
            await loop(index).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
    }
}
