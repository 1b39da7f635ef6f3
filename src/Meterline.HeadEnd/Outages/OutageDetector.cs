using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>
/// Outage detection without I/O: it takes what the head-end learnt about each meter's supply
/// (<see cref="PowerSignal"/>s), holds losses for the grouping window, then hands them out as groups
/// (<see cref="TakeGroups"/>) to be recorded; it tracks the recorded open outages, adds a late loss under an open
/// transformer or feeder outage to it, and restores each meter and, once all are back, the outage. Time comes in with
/// the calls; the service around it stores what it returns.
/// </summary>
public sealed class OutageDetector
{
    private readonly OutageOptions _options;
    private readonly Dictionary<MeterId, (AffectedMeter Loss, DateTimeOffset SeenAt)> _pending = [];
    private readonly Dictionary<OutageId, Outage> _open = [];
    private readonly Dictionary<MeterId, OutageId> _meterOutage = [];
    private readonly HashSet<MeterId> _off = [];
    private readonly Dictionary<MeterId, DateTimeOffset> _lastRestored = [];

    public OutageDetector(OutageOptions? options = null)
    {
        _options = options ?? new OutageOptions();
        _options.Validate();
    }

    /// <summary>Losses waiting for their group.</summary>
    public int PendingCount => _pending.Count;

    public IReadOnlyCollection<Outage> Open => _open.Values;

    /// <summary>True while the meter is known to be without supply (waiting for its group, or in an open outage and not restored).</summary>
    public bool IsOff(MeterId meter) => _off.Contains(meter);

    /// <summary>Starts tracking a recorded open outage (one just stored, or one loaded at start).</summary>
    public void Track(Outage outage)
    {
        ArgumentNullException.ThrowIfNull(outage);
        if (outage.State != OutageState.Open)
        {
            return;
        }

        _open[outage.Id] = outage;
        foreach (var meter in outage.Meters)
        {
            _meterOutage[meter.Meter] = outage.Id;
            if (meter.RestoredAt is null)
            {
                _off.Add(meter.Meter);
            }
        }
    }

    /// <summary>Forgets a group that could not be recorded (its meters are no longer held as off; silence finds them again).</summary>
    public void Release(OutageGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var meter in group.Meters)
        {
            _off.Remove(meter.Meter);
        }
    }

    /// <summary>
    /// Takes one signal. Returns the open outage it changed (a meter joined or was restored; <see cref="OutageState.Restored"/>
    /// when it was the last one back), to be stored, or null when nothing recorded changed.
    /// </summary>
    public Outage? Observe(PowerSignal signal, OutageTopology topology)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(topology);
        return signal.IsLoss ? Lost(signal, topology) : Returned(signal);
    }

    /// <summary>
    /// The groups of the losses held, once the oldest has waited the grouping window (or too many wait). The caller
    /// stores each as an outage and hands it to <see cref="Track"/>.
    /// </summary>
    public IReadOnlyList<OutageGroup> TakeGroups(DateTimeOffset now, OutageTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (_pending.Count == 0)
        {
            return [];
        }

        var oldest = _pending.Values.Min(p => p.SeenAt);
        if (now - oldest < _options.GroupingWindow && _pending.Count < _options.MaxPendingLosses)
        {
            return [];
        }

        var losses = _pending.Values.Select(p => p.Loss).ToList();
        _pending.Clear();
        return OutageGrouper.Group(losses, topology, _options);
    }

    private Outage? Lost(PowerSignal signal, OutageTopology topology)
    {
        if (IsOff(signal.Meter))
        {
            return null;
        }

        if (signal.Source == PowerSignalSource.LastGasp && _lastRestored.TryGetValue(signal.Meter, out var restored) && signal.At <= restored)
        {
            // A last gasp from before the meter's latest restoration, delivered late: that interruption is over.
            return null;
        }

        var loss = new AffectedMeter(signal.Meter, signal.At, signal.Source);
        if (FindJoinable(signal.Meter, topology) is { } open)
        {
            // A late loss under a transformer or feeder that is out already belongs to that outage.
            var meters = open.Meters.Append(loss).OrderBy(m => m.Meter).ToList();
            // Its start stays that of the meters it was recorded with (its alert is known by it); the joiner keeps its own loss time.
            var joined = open with { Meters = meters };
            _open[open.Id] = joined;
            _meterOutage[signal.Meter] = open.Id;
            _off.Add(signal.Meter);
            return joined;
        }

        _pending[signal.Meter] = (loss, signal.SeenAt);
        _off.Add(signal.Meter);
        return null;
    }

    private Outage? Returned(PowerSignal signal)
    {
        if (_pending.TryGetValue(signal.Meter, out var pending))
        {
            if (pending.Loss.RestoredAt is null && RestoredAt(pending.Loss, signal) is { } back)
            {
                // Back before its group was decided: still an interruption (a momentary one, most likely).
                _pending[signal.Meter] = (pending.Loss with { RestoredAt = back }, pending.SeenAt);
                _off.Remove(signal.Meter);
                _lastRestored[signal.Meter] = back;
            }

            return null;
        }

        if (!_meterOutage.TryGetValue(signal.Meter, out var id) || !_open.TryGetValue(id, out var outage))
        {
            return null;
        }

        var index = -1;
        for (var i = 0; i < outage.Meters.Count; i++)
        {
            if (outage.Meters[i].Meter == signal.Meter)
            {
                index = i;
                break;
            }
        }

        if (index < 0 || outage.Meters[index].RestoredAt is not null || RestoredAt(outage.Meters[index], signal) is not { } restoredAt)
        {
            return null;
        }

        var meters = outage.Meters.ToArray();
        meters[index] = meters[index] with { RestoredAt = restoredAt };
        _off.Remove(signal.Meter);
        _lastRestored[signal.Meter] = restoredAt;
        var changed = outage with { Meters = meters };
        if (meters.All(m => m.RestoredAt is not null))
        {
            changed = changed with { State = OutageState.Restored, RestoredAt = meters.Max(m => m.RestoredAt) };
            _open.Remove(id);
            foreach (var meter in meters)
            {
                if (_meterOutage.TryGetValue(meter.Meter, out var of) && of == id)
                {
                    _meterOutage.Remove(meter.Meter);
                }
            }
        }
        else
        {
            _open[id] = changed;
        }

        return changed;
    }

    /// <summary>
    /// When a signal says the meter is back: a loss learnt from the meter's own last gasp ends at a restoration or a
    /// reading of the meter's later time; a loss learnt from silence ends when the head-end hears the meter again
    /// (its own clock: the meter's may differ).
    /// </summary>
    private static DateTimeOffset? RestoredAt(AffectedMeter loss, PowerSignal signal)
    {
        if (loss.Source == PowerSignalSource.Silence)
        {
            return signal.SeenAt > loss.LostAt ? signal.SeenAt : null;
        }

        return signal.At > loss.LostAt ? signal.At : null;
    }

    private Outage? FindJoinable(MeterId meter, OutageTopology topology)
    {
        if (topology.Find(meter) is not { } place)
        {
            return null;
        }

        foreach (var outage in _open.Values)
        {
            var joins = outage.Scope switch
            {
                OutageScope.Transformer => place.TransformerId is { } t && string.Equals(outage.ScopeId, t, StringComparison.Ordinal),
                OutageScope.Feeder => place.FeederId is { } f && string.Equals(outage.ScopeId, f, StringComparison.Ordinal),
                _ => false,
            };
            // A meter already listed (lost and restored before) starts a new interruption rather than rewriting that one.
            if (joins && outage.Meters.Count < Outage.MaxMeters && !outage.Meters.Any(m => m.Meter == meter))
            {
                return outage;
            }
        }

        return null;
    }
}
