using Meterline.Meter.Push;

namespace Meterline.Simulator.Push;

/// <summary>
/// Drains the meters' pushes into a sink: each pass visits every meter, takes its due pushes one at a time (so a
/// meter's pushes go in order), sends each and reports the outcome back with <see cref="IPushSource.CompletePush"/>.
/// Meters are served concurrently up to <see cref="MaxConcurrency"/>; a meter gives up the pass at its first failed
/// push (the destination is probably down) or after <see cref="MaxPushesPerMeterPerPass"/>. A pass that is cancelled
/// completes the push in hand as not delivered, so nothing is lost.
/// </summary>
public sealed class PushPump
{
    private readonly IReadOnlyList<IPushSource> _sources;
    private readonly IPushSink _sink;
    private long _delivered;
    private long _failed;

    public PushPump(IReadOnlyList<IPushSource> sources, IPushSink sink, int maxConcurrency = 16, int maxPushesPerMeterPerPass = 8)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPushesPerMeterPerPass, 1);
        _sources = sources;
        _sink = sink;
        MaxConcurrency = maxConcurrency;
        MaxPushesPerMeterPerPass = maxPushesPerMeterPerPass;
    }

    public int MaxConcurrency { get; }

    public int MaxPushesPerMeterPerPass { get; }

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Attempts the sink reported as not delivered.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failed);

    /// <summary>One pass over every meter; returns how many pushes were delivered.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(_sources, options, async (source, token) =>
        {
            for (var i = 0; i < MaxPushesPerMeterPerPass && source.TryTakePush(out var message); i++)
            {
                var ok = false;
                try
                {
                    ok = await _sink.SendAsync(message, token).ConfigureAwait(false);
                }
                finally
                {
                    source.CompletePush(message.Sequence, ok);
                }

                if (!ok)
                {
                    Interlocked.Increment(ref _failed);
                    return;
                }

                Interlocked.Increment(ref _delivered);
                Interlocked.Increment(ref delivered);
            }
        }).ConfigureAwait(false);
        return delivered;
    }
}
