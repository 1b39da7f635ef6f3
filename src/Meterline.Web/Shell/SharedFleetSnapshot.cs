using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;
using Microsoft.Extensions.Logging;

namespace Meterline.Web.Shell;

/// <summary>
/// One fleet snapshot for every open circuit: the overview and the map show it instead of each reading every meter
/// and the open alerts themselves. While at least one circuit watches (<see cref="Watch"/>) it is taken again every
/// <see cref="OperatorAppOptions.RefreshInterval"/> on the node's <see cref="TimeProvider"/> and handed to each watcher
/// (a channel of one that keeps the newest); with no watcher nothing is read. <see cref="GetAsync"/> answers a page's
/// first render with the current snapshot while it is younger than the interval, else takes one; one snapshot is taken
/// at a time, and callers waiting meanwhile share it. At most <see cref="MaxWatchers"/> circuits watch at once; a page
/// beyond that shows the snapshot of its first render and says so.
/// </summary>
public sealed partial class SharedFleetSnapshot : IAsyncDisposable
{
    public const int MaxWatchers = 4_096;

    private readonly IMeterRepository _meters;
    private readonly IAlertStore _alerts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<FleetWatch> _watchers = [];
    /// <summary>Cancels the running refresh (whose token source the run owns and disposes); null when none runs.</summary>
    private Action? _stopLoop;
    private Task _loop = Task.CompletedTask;
    private (FleetSnapshot Snapshot, DateTimeOffset At)? _current;
    private long _reads;

    public SharedFleetSnapshot(IMeterRepository meters, IAlertStore alerts, OperatorAppOptions options, TimeProvider time, ILogger<SharedFleetSnapshot> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _meters = meters;
        _alerts = alerts;
        _time = time;
        _interval = options.RefreshInterval;
        _logger = logger;
    }

    /// <summary>How many snapshots have been taken (each reads every meter and the open alerts once).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>How many circuits watch now.</summary>
    public int Watchers
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>The current snapshot if it is younger than the refresh interval, else a new one.</summary>
    public async Task<FleetSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await _taking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Fresh() ?? await TakeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _taking.Release();
        }
    }

    /// <summary>
    /// Follows the snapshot: each new one is offered to the watch until it is disposed. The first watcher starts the
    /// refresh, the last one leaving stops it. Null when <see cref="MaxWatchers"/> circuits watch already.
    /// </summary>
    public FleetWatch? Watch()
    {
        lock (_lock)
        {
            if (_watchers.Count >= MaxWatchers)
            {
                return null;
            }

            var watch = new FleetWatch(this);
            _watchers.Add(watch);
            if (_stopLoop is null)
            {
                var stop = new CancellationTokenSource();
                _stopLoop = stop.Cancel;
                _loop = RunAsync(_loop, stop);
            }

            return watch;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task loop;
        lock (_lock)
        {
            _watchers.Clear();
            _stopLoop?.Invoke();
            _stopLoop = null;
            loop = _loop;
        }

        await loop.ConfigureAwait(false);
        _taking.Dispose();
    }

    internal void Unwatch(FleetWatch watch)
    {
        lock (_lock)
        {
            if (_watchers.Remove(watch) && _watchers.Count == 0 && _stopLoop is { } stop)
            {
                _stopLoop = null;
                stop();
            }
        }
    }

    private FleetSnapshot? Fresh() =>
        _current is { } current && _time.GetUtcNow() - current.At < _interval ? current.Snapshot : null;

    /// <summary>Takes a snapshot; the caller holds <see cref="_taking"/>.</summary>
    private async Task<FleetSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        var snapshot = await FleetSnapshot.TakeAsync(_meters, _alerts, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _reads);
        _current = (snapshot, _time.GetUtcNow());
        return snapshot;
    }

    /// <summary>The refresh while watched: after the previous run has ended (so that two never overlap), until stopped.</summary>
    private async Task RunAsync(Task previous, CancellationTokenSource stop)
    {
        // The timer starts when the watch does (synchronously, in Watch), not when the previous run has ended.
        using var timer = new PeriodicTimer(_interval, _time);
        await previous.ConfigureAwait(false);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await _taking.WaitAsync(stop.Token).ConfigureAwait(false);
                    FleetSnapshot snapshot;
                    try
                    {
                        snapshot = await TakeAsync(stop.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _taking.Release();
                    }

                    Publish(snapshot);
                }
                catch (Exception exception) when (!stop.IsCancellationRequested)
                {
                    // The pages keep the last snapshot; the next tick tries again.
                    LogRefreshFailed(_logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The last watcher left, or the app stops.
        }
        finally
        {
            stop.Dispose();
        }
    }

    private void Publish(FleetSnapshot snapshot)
    {
        lock (_lock)
        {
            foreach (var watch in _watchers)
            {
                watch.Offer(snapshot);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The operator app's fleet snapshot could not be taken; the pages show the previous one.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
