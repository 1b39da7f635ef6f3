using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// A follower's in-memory windows of its meters' readings and events (docs/ingest.md "Held windows"): each filled from
/// one store read and then kept up with the meter's committed records from the feed, so that a round reads the store
/// only for the meters it does not hold. What it answers is what the store read of the same span would return (the same
/// rows in the same order, the same caps), because a meter is held only while that is known to be so: a meter whose
/// records the feed lost, that was written outside the feed (<see cref="NoteWrittenElsewhere"/>), whose window a record
/// could not be added to as the store took it, or that a store read returned at a cap, is not held, and its next window
/// is read from the store.
/// <para>
/// Bounded by <see cref="BudgetBytes"/> (an estimate: the readings' arrays at 16 bytes a reading by capacity, the
/// events, and <see cref="HeldWindow.Overhead"/> per meter), evicting the least recently used meters. Not thread-safe,
/// except <see cref="NoteWrittenElsewhere"/>: one follower's loop uses it.
/// </para>
/// </summary>
public sealed class HeldWindows
{
    /// <summary>The most meters written outside the feed remembered between two rounds; more and every window is dropped.</summary>
    public const int MaxWrittenElsewhere = 10_000;

    /// <summary>
    /// How far past a read's span a window read from the store for holding reaches: a held meter is served from memory
    /// until its reads reach past this (then read again), so a meter whose data runs ahead is re-read about monthly, not
    /// every round.
    /// </summary>
    public static readonly TimeSpan HeldSpan = TimeSpan.FromDays(31);

    /// <summary>The widest span of lost records read back into a held window; a wider one drops the window (the whole window is read again).</summary>
    public static readonly TimeSpan MaxLostSpan = TimeSpan.FromDays(1);

    private readonly Dictionary<MeterId, HeldWindow> _held = [];
    private readonly LinkedList<HeldWindow> _recency = [];
    private readonly HashSet<MeterId> _writtenElsewhere = [];
    private bool _writtenElsewhereOverflowed;
    private long _bytes;

    /// <param name="budgetBytes">The most bytes held (estimated), at least 1.</param>
    /// <param name="maxReadings">The store read's cap of readings per meter: a read that returns this many is not held.</param>
    /// <param name="maxEvents">The store read's cap of events per meter: likewise.</param>
    /// <param name="quantities">The quantities read and held (all when null or empty), as the store reads name them.</param>
    public HeldWindows(long budgetBytes, int maxReadings, int maxEvents, IReadOnlyList<Quantity>? quantities = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReadings, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        BudgetBytes = budgetBytes;
        Quantities = quantities?.Distinct().ToArray() ?? [];
        MaxReadings = maxReadings;
        MaxEvents = maxEvents;
    }

    public long BudgetBytes { get; }

    public int MaxReadings { get; }

    /// <summary>The quantities held (all when empty).</summary>
    public IReadOnlyList<Quantity> Quantities { get; }

    public int MaxEvents { get; }

    public HeldWindowsMetrics Metrics { get; } = new();

    /// <summary>Whether <paramref name="meter"/> is held (for tests and status).</summary>
    public bool IsHeld(MeterId meter) => _held.ContainsKey(meter);

    /// <summary>Takes a committed record of the feed into its meter's window, if held.</summary>
    public void Apply(IngestedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_held.TryGetValue(record.Meter, out var window))
        {
            return;
        }

        var before = window.Bytes;
        var kept = record switch
        {
            IngestedReading { Reading: var reading } => (Quantities.Count > 0 && !Quantities.Contains(reading.Quantity)) || window.Add(reading),
            IngestedEvent { Event: var meterEvent } => window.Add(meterEvent),
            _ => true,
        };
        if (!kept)
        {
            Invalidate(record.Meter);
            return;
        }

        _bytes += window.Bytes - before;
        KeepWithinBudget();
    }

    /// <summary>
    /// Notes that the feed lost records of a meter over [<see cref="LostMeter.First"/>, <see cref="LostMeter.Last"/>]: a held
    /// window is made whole at its next read by a store read of that span only (not of its whole window); one whose lost
    /// span grows past <see cref="MaxLostSpan"/> is dropped instead.
    /// </summary>
    public void NoteLost(LostMeter lost)
    {
        if (!_held.TryGetValue(lost.Meter, out var window))
        {
            return;
        }

        window.NoteLost(lost.First, lost.Last);
        if (window.Lost is { } span && span.Last - span.First > MaxLostSpan)
        {
            Invalidate(lost.Meter);
        }
    }

    /// <summary>Drops a meter's window (its records were lost, or it cannot be trusted); its next read goes to the store.</summary>
    public void Invalidate(MeterId meter)
    {
        if (Remove(meter))
        {
            Metrics.OnInvalidation();
        }
    }

    /// <summary>Drops every window (a full pass reads everything from the store anyway).</summary>
    public void Clear()
    {
        if (_held.Count > 0)
        {
            Metrics.OnInvalidation();
        }

        _held.Clear();
        _recency.Clear();
        _bytes = 0;
        Publish();
    }

    /// <summary>
    /// Notes meters whose readings or events were stored other than through the feed (back-fill, on-demand reads):
    /// their windows are dropped at the next <see cref="TakeWrittenElsewhere"/>. Thread-safe; bounded (past
    /// <see cref="MaxWrittenElsewhere"/> meters every window is dropped instead).
    /// </summary>
    public void NoteWrittenElsewhere(IEnumerable<MeterId> meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        lock (_writtenElsewhere)
        {
            foreach (var meter in meters)
            {
                if (_writtenElsewhere.Count < MaxWrittenElsewhere)
                {
                    _writtenElsewhere.Add(meter);
                }
                else if (!_writtenElsewhere.Contains(meter))
                {
                    _writtenElsewhereOverflowed = true;
                }
            }
        }
    }

    /// <summary>Drops the windows of the meters noted by <see cref="NoteWrittenElsewhere"/> (all of them when more were noted than remembered).</summary>
    public void TakeWrittenElsewhere()
    {
        MeterId[] meters;
        bool overflowed;
        lock (_writtenElsewhere)
        {
            if (_writtenElsewhere.Count == 0 && !_writtenElsewhereOverflowed)
            {
                return;
            }

            meters = [.. _writtenElsewhere];
            overflowed = _writtenElsewhereOverflowed;
            _writtenElsewhere.Clear();
            _writtenElsewhereOverflowed = false;
        }

        if (overflowed)
        {
            Clear();
            return;
        }

        foreach (var meter in meters)
        {
            Invalidate(meter);
        }
    }

    /// <summary>
    /// The meter's readings and events in [from, to) as the store read with the caps would return them (readings ascending
    /// by time then quantity, events newest first then by code), when the meter is held over that span; else false (a
    /// miss: the caller reads the store and may <see cref="Fill"/>).
    /// </summary>
    public bool TryRead(MeterId meter, DateTimeOffset from, DateTimeOffset to, out List<IntervalReading> readings, out List<MeterEvent> events)
    {
        if (!_held.TryGetValue(meter, out var window) || !window.Covers(from, to) || window.Lost is not null)
        {
            Metrics.OnMiss();
            readings = [];
            events = [];
            return false;
        }

        Metrics.OnHit();
        Touch(window);
        readings = window.Readings(from, to, MaxReadings);
        events = window.Events(from, to, MaxEvents);
        return true;
    }

    /// <summary>
    /// The readings and events of <paramref name="meters"/> in [from, to), exactly as
    /// <see cref="IReadingStore.GetReadingsOfMetersAsync"/> (of <see cref="Quantities"/>, at most <see cref="MaxReadings"/> each) and
    /// <see cref="IReadingStore.GetEventsOfMetersAsync"/> (at most <see cref="MaxEvents"/> each) return them: from memory for
    /// the meters held over the span, else from <paramref name="store"/>. The meters not held are read over
    /// [from, to + <see cref="HeldSpan"/>) in one read each and held from it, their answer cut to [from, to) — the same rows
    /// as a read of [from, to): the capped readings ascending are a prefix of the longer read's, and the events are taken
    /// from it only when it is under its cap (else read again over [from, to)).
    /// </summary>
    public async Task<(IReadOnlyDictionary<MeterId, IReadOnlyList<IntervalReading>> Readings, IReadOnlyDictionary<MeterId, IReadOnlyList<MeterEvent>> Events)> ReadAsync(
        IReadingStore store, IReadOnlyCollection<MeterId> meters, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(meters);
        await RepairAsync(store, meters, cancellationToken).ConfigureAwait(false);
        var readings = new Dictionary<MeterId, IReadOnlyList<IntervalReading>>();
        var events = new Dictionary<MeterId, IReadOnlyList<MeterEvent>>();
        var missing = new List<MeterId>();
        foreach (var meter in meters.Distinct())
        {
            if (TryRead(meter, from, to, out var held, out var heldEvents))
            {
                if (held.Count > 0)
                {
                    readings[meter] = held;
                }

                if (heldEvents.Count > 0)
                {
                    events[meter] = heldEvents;
                }
            }
            else
            {
                missing.Add(meter);
            }
        }

        if (missing.Count == 0)
        {
            return (readings, events);
        }

        var until = to + HeldSpan;
        var read = await store.GetReadingsOfMetersAsync(missing, from, until, Quantities, MaxReadings, cancellationToken).ConfigureAwait(false);
        var readEvents = await store.GetEventsOfMetersAsync(missing, from, until, MaxEvents, cancellationToken).ConfigureAwait(false);
        List<MeterId>? capped = null;
        foreach (var meter in missing)
        {
            var meterReadings = read.GetValueOrDefault(meter) ?? [];
            var meterEvents = readEvents.GetValueOrDefault(meter) ?? [];
            var cut = MeterGroups.Within(meterReadings, from, to).ToList();
            if (cut.Count > 0)
            {
                readings[meter] = cut;
            }

            if (meterEvents.Count >= MaxEvents)
            {
                (capped ??= []).Add(meter);
            }
            else if (MeterGroups.Within(meterEvents, from, to) is { Count: > 0 } cutEvents)
            {
                events[meter] = cutEvents;
            }

            Fill(meter, from, until, meterReadings, meterEvents);
        }

        if (capped is not null)
        {
            foreach (var (meter, list) in await store.GetEventsOfMetersAsync(capped, from, to, MaxEvents, cancellationToken).ConfigureAwait(false))
            {
                events[meter] = list;
            }
        }

        return (readings, events);
    }

    /// <summary>
    /// Makes whole the held windows of <paramref name="meters"/> whose records the feed lost: one store read (readings and
    /// events) of the union of their lost spans, each row taken as the store holds it. A meter whose read reaches a cap, or
    /// whose rows cannot be held, is dropped (its window is then read whole).
    /// </summary>
    private async Task RepairAsync(IReadingStore store, IReadOnlyCollection<MeterId> meters, CancellationToken cancellationToken)
    {
        List<HeldWindow>? lost = null;
        foreach (var meter in meters.Distinct())
        {
            if (_held.TryGetValue(meter, out var window) && window.Lost is not null)
            {
                (lost ??= []).Add(window);
            }
        }

        if (lost is null)
        {
            return;
        }

        // Meters whose lost spans lie close together share a read (the union of their spans, at most twice the widest
        // span kept and the store's most meters per read).
        lost.Sort((a, b) => a.Lost!.Value.First.CompareTo(b.Lost!.Value.First));
        var chunk = new List<HeldWindow>();
        foreach (var window in lost)
        {
            if (chunk.Count > 0 && (chunk.Count >= IReadingStore.MaxMetersPerRead || window.Lost!.Value.Last - chunk[0].Lost!.Value.First > 2 * MaxLostSpan))
            {
                await RepairChunkAsync(store, chunk, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }

            chunk.Add(window);
        }

        await RepairChunkAsync(store, chunk, cancellationToken).ConfigureAwait(false);
        KeepWithinBudget();
    }

    private async Task RepairChunkAsync(IReadingStore store, List<HeldWindow> lost, CancellationToken cancellationToken)
    {
        // The stored times are whole microseconds (the lost records' times without their sub-microsecond ticks).
        var from = HeldWindow.Microseconds(lost.Min(w => w.Lost!.Value.First));
        var to = HeldWindow.Microseconds(lost.Max(w => w.Lost!.Value.Last)) + TimeSpan.FromTicks(10);
        var ids = lost.Select(w => w.Meter).ToList();
        var read = await store.GetReadingsOfMetersAsync(ids, from, to, Quantities, MaxReadings, cancellationToken).ConfigureAwait(false);
        var readEvents = await store.GetEventsOfMetersAsync(ids, from, to, MaxEvents, cancellationToken).ConfigureAwait(false);
        foreach (var window in lost)
        {
            var meterReadings = read.GetValueOrDefault(window.Meter) ?? [];
            var meterEvents = readEvents.GetValueOrDefault(window.Meter) ?? [];
            var before = window.Bytes;
            if (meterReadings.Count >= MaxReadings || meterEvents.Count >= MaxEvents || !window.Merge(meterReadings, meterEvents))
            {
                Invalidate(window.Meter);
                continue;
            }

            Metrics.OnRepair();
            _bytes += window.Bytes - before;
        }
    }

    /// <summary>
    /// Holds a meter's window from a store read of [from, to) (of <see cref="Quantities"/>, at most <see cref="MaxReadings"/> readings and
    /// <see cref="MaxEvents"/> events): not held when the read reached a cap or a time cannot be held; false then.
    /// </summary>
    public bool Fill(MeterId meter, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<IntervalReading>? readings, IReadOnlyList<MeterEvent>? events)
    {
        Remove(meter);
        readings ??= [];
        events ??= [];
        if (readings.Count >= MaxReadings || events.Count >= MaxEvents || to <= from)
        {
            return false;
        }

        var window = new HeldWindow(meter, from, to);
        foreach (var reading in readings)
        {
            if (reading.Meter != meter || !window.Add(reading))
            {
                return false;
            }
        }

        foreach (var meterEvent in events)
        {
            if (meterEvent.Meter != meter || !window.Add(meterEvent))
            {
                return false;
            }
        }

        _held[meter] = window;
        window.Node = _recency.AddFirst(window);
        _bytes += window.Bytes;
        KeepWithinBudget();
        return _held.ContainsKey(meter);
    }

    /// <summary>Forgets what a held meter has before <paramref name="start"/> (its window then starts there).</summary>
    public void Trim(MeterId meter, DateTimeOffset start)
    {
        if (!_held.TryGetValue(meter, out var window))
        {
            return;
        }

        var before = window.Bytes;
        window.TrimBefore(start);
        _bytes += window.Bytes - before;
        Publish();
    }

    private void Touch(HeldWindow window)
    {
        if (window.Node is { } node && node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }

    private bool Remove(MeterId meter)
    {
        if (!_held.Remove(meter, out var window))
        {
            return false;
        }

        if (window.Node is { } node)
        {
            _recency.Remove(node);
        }

        _bytes -= window.Bytes;
        Publish();
        return true;
    }

    private void KeepWithinBudget()
    {
        while (_bytes > BudgetBytes && _recency.Last is { } last)
        {
            Remove(last.Value.Meter);
            Metrics.OnEviction();
        }

        Publish();
    }

    private void Publish() => Metrics.SetHeld(_bytes, _held.Count);
}
