using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>
/// Keeps the registry's relay state current from the meters' own load switch events (IS 15959 group 6), so that a trip
/// by the meter's Limiter shows without a relay read: event 301 (load switch disconnected) with the registry not
/// already at Disconnected records ReadyForReconnection — the state a local disconnect (the limiter's over-threshold
/// action, or the customer's button) leaves the Disconnect control in; a remote disconnect is recorded as Disconnected
/// by its command and left so. Event 302 (load switch connected) records Connected. Per round only each meter's newest
/// switch event counts. A node loop on the ingest feed (<see cref="IngestFollower"/>). When the feed lost records (the
/// follower fell behind a burst), it names their meters and the span of their times: the round reads those meters'
/// switch events over that span back from the store and applies them as if they had been followed. Only when the feed
/// could not name them (more meters than it remembers) does a loss leave the registry as it was until the next
/// connect/disconnect command or relay read.
/// </summary>
public sealed class RelayEventFollower : IDisposable
{
    /// <summary>Load switch disconnected (Disconnect control output_state became false).</summary>
    public const int LoadSwitchDisconnected = 301;

    /// <summary>Load switch connected.</summary>
    public const int LoadSwitchConnected = 302;

    /// <summary>Records taken per round; meters remembered between rounds (past it, the round is dropped as a loss).</summary>
    public const int MaxPerRound = 10_000;

    /// <summary>Events read back per lost meter (newest first): a meter's switch events are a few per day.</summary>
    private const int MaxEventsPerLostMeter = 1_000;

    private readonly IngestFollower _follower;
    private readonly IMeterRepository _meters;
    private readonly IReadingStore _readings;
    private readonly Dictionary<MeterId, (DateTimeOffset At, int Code)> _pending = [];
    private readonly Dictionary<MeterId, (DateTimeOffset First, DateTimeOffset Last)> _lost = [];
    private long _updated;
    private long _failures;
    private long _superseded;
    private long _lostMetersRead;

    public RelayEventFollower(IngestPipeline pipeline, IMeterRepository meters, IReadingStore readings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(readings);
        _meters = meters;
        _readings = readings;
        _follower = new IngestFollower(pipeline, MaxPerRound, time: time);
    }

    /// <summary>Relay states written to the registry since start.</summary>
    public long Updated => Interlocked.Read(ref _updated);

    /// <summary>Updates that failed (a store error); the next switch event or command sets it right.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// Switch events not applied because the registry's relay state changed between this follower's read and its write
    /// (a remote disconnect's confirmation recording Disconnected while its own event 301 was being followed).
    /// </summary>
    public long Superseded => Interlocked.Read(ref _superseded);

    /// <summary>Records the feed dropped because this follower fell behind.</summary>
    public long Dropped => _follower.Dropped;

    /// <summary>Meters whose lost records' switch events were read back from the store.</summary>
    public long LostMetersRead => Interlocked.Read(ref _lostMetersRead);

    /// <summary>
    /// What the follower did: rounds, rounds over lost meters, and the rounds dropped after a loss the feed could not
    /// name (counted as full passes, which do nothing here).
    /// </summary>
    public IngestFollowerMetrics Follower => _follower.Metrics;

    public Task RunAsync(CancellationToken cancellationToken) =>
        _follower.RunAsync(Note, NoteLost, ApplyAsync, _ =>
        {
            _pending.Clear();
            _lost.Clear();
            return Task.CompletedTask;
        }, cancellationToken);

    public void Dispose() => _follower.Dispose();

    private bool Note(IngestedRecord record)
    {
        if (record is IngestedEvent { Event: { Code: LoadSwitchDisconnected or LoadSwitchConnected } e }
            && (!_pending.TryGetValue(e.Meter, out var seen) || e.OccurredAt >= seen.At))
        {
            _pending[e.Meter] = (e.OccurredAt, e.Code);
        }

        return _pending.Count <= MaxPerRound;
    }

    /// <summary>A meter whose records the feed lost: its switch events over their span are read back in the round.</summary>
    private bool NoteLost(LostMeter lost)
    {
        _lost[lost.Meter] = _lost.TryGetValue(lost.Meter, out var span)
            ? (lost.First < span.First ? lost.First : span.First, lost.Last > span.Last ? lost.Last : span.Last)
            : (lost.First, lost.Last);
        return _lost.Count <= MaxPerRound;
    }

    /// <summary>The newest switch event of each lost meter over its lost span, from the store, merged into the round's (the newer wins).</summary>
    private async Task ReadLostAsync(CancellationToken cancellationToken)
    {
        foreach (var chunk in _lost.Chunk(IReadingStore.MaxMetersPerRead))
        {
            var from = chunk.Min(l => l.Value.First);
            var to = chunk.Max(l => l.Value.Last).AddTicks(1);
            IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>> events;
            try
            {
                events = await _readings.GetEventsOfMetersAsync([.. chunk.Select(l => l.Key)], from, to, MaxEventsPerLostMeter, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failures);
                continue;
            }

            foreach (var (meter, span) in chunk)
            {
                Interlocked.Increment(ref _lostMetersRead);
                foreach (var e in events.GetValueOrDefault(meter) ?? [])
                {
                    if (e.Code is LoadSwitchDisconnected or LoadSwitchConnected && e.OccurredAt >= span.First && e.OccurredAt <= span.Last
                        && (!_pending.TryGetValue(meter, out var seen) || e.OccurredAt >= seen.At))
                    {
                        _pending[meter] = (e.OccurredAt, e.Code);
                    }
                }
            }
        }

        _lost.Clear();
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (_lost.Count > 0)
        {
            await ReadLostAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (meter, (_, code)) in _pending.OrderBy(p => p.Key))
        {
            try
            {
                var known = await _meters.GetAsync(meter, cancellationToken).ConfigureAwait(false);
                var state = code == LoadSwitchConnected ? RelayState.Connected
                    : known?.RelayState == RelayState.Disconnected ? RelayState.Disconnected
                    : RelayState.ReadyForReconnection;
                // Compare-and-set: a remote disconnect's own switch event can be read here while the registry still says
                // Connected; if the command's confirmation writes Disconnected between this read and the write, the
                // write must not turn it into ReadyForReconnection.
                if (known is not null && known.RelayState != state)
                {
                    var set = await _meters.TrySetRelayStateAsync(meter, known.RelayState, state, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref set ? ref _updated : ref _superseded);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failures);
            }
        }

        _pending.Clear();
    }
}
