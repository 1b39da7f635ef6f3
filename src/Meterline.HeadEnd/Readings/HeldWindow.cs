using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// One meter's readings and events over [<see cref="Start"/>, <see cref="End"/>), exactly as the store holds them: filled
/// from a store read of that span and kept up with the meter's committed records. A record the window cannot take as the
/// store took it (a time that is not a whole second, a duplicate key with other content: which copy the store kept is not
/// known here) makes it untrustworthy; <see cref="HeldWindows"/> then drops it and the next read goes to the store.
/// </summary>
internal sealed class HeldWindow
{
    /// <summary>The fixed bytes of a held meter: this object, its two lists, its dictionary entry and LRU node.</summary>
    public const int Overhead = 256;

    private const long TicksPerMicrosecond = 10;
    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    private readonly long _baseTicks;
    private readonly List<HeldReading> _readings = [];

    // Sorted by (occurred, code descending), so that walking it backwards gives the store's order (newest first, then code).
    private readonly List<MeterEvent> _events = [];
    private long _eventBytes;

    public HeldWindow(MeterId meter, DateTimeOffset start, DateTimeOffset end)
    {
        Meter = meter;
        Start = start;
        End = end;
        _baseTicks = start.UtcTicks - (start.UtcTicks % TimeSpan.TicksPerSecond);
    }

    public MeterId Meter { get; }

    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset End { get; }

    public LinkedListNode<HeldWindow>? Node { get; set; }

    public int ReadingCount => _readings.Count;

    public int EventCount => _events.Count;

    public long Bytes => Overhead + ((long)_readings.Capacity * HeldReading.Size) + _eventBytes + ((long)_events.Capacity * IntPtr.Size);

    /// <summary>Whether a read of [from, to) can be answered from this window.</summary>
    public bool Covers(DateTimeOffset from, DateTimeOffset to) => from >= Start && to <= End;

    /// <summary>Takes a committed reading; false when the window can no longer be trusted.</summary>
    public bool Add(IntervalReading reading)
    {
        var time = reading.Time;
        if (time < Start || time >= End)
        {
            return true;
        }

        var ticks = time.UtcTicks - _baseTicks;
        if (ticks % TimeSpan.TicksPerSecond != 0 || ticks / TimeSpan.TicksPerSecond > int.MaxValue)
        {
            return false;
        }

        var held = new HeldReading((int)(ticks / TimeSpan.TicksPerSecond), reading.Quantity.Code, reading.Quality, reading.Value);
        var at = Find(held.Second, held.Quantity);
        if (at >= 0)
        {
            // The same key again: the store kept one of the two; if they differ, which one is not known here.
            var kept = _readings[at];
            return kept.Quality == held.Quality && kept.Value.Equals(held.Value);
        }

        _readings.Insert(~at, held);
        return true;
    }

    /// <summary>Takes a committed event; false when the window can no longer be trusted.</summary>
    public bool Add(MeterEvent meterEvent)
    {
        var normal = meterEvent with { OccurredAt = Microseconds(meterEvent.OccurredAt), ReceivedAt = Microseconds(meterEvent.ReceivedAt) };
        if (normal.OccurredAt < Start || normal.OccurredAt >= End)
        {
            return true;
        }

        var at = FindEvent(normal.OccurredAt, normal.Code);
        if (at >= 0)
        {
            var kept = _events[at];
            return kept.ReceivedAt == normal.ReceivedAt && kept.Values.SequenceEqual(normal.Values);
        }

        _events.Insert(~at, normal);
        _eventBytes += EventBytes(normal);
        return true;
    }

    /// <summary>The span of times of records the feed lost since the window was last made whole (inclusive), or null.</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? Lost { get; private set; }

    /// <summary>Notes records of [first, last] the feed lost: the window is whole again only after <see cref="Merge"/> of a store read of that span.</summary>
    public void NoteLost(DateTimeOffset first, DateTimeOffset last)
    {
        if (last < Start || first >= End)
        {
            return;
        }

        Lost = Lost is { } lost ? (first < lost.First ? first : lost.First, last > lost.Last ? last : lost.Last) : (first, last);
    }

    /// <summary>
    /// Takes a store read of a span the feed lost records of (every stored row of the meter in it): each row as the store
    /// holds it, over what the window held. False when a row cannot be held (the window is then not to be trusted).
    /// </summary>
    public bool Merge(IReadOnlyList<IntervalReading> readings, IReadOnlyList<MeterEvent> events)
    {
        foreach (var reading in readings)
        {
            if (reading.Time < Start || reading.Time >= End)
            {
                continue;
            }

            var ticks = reading.Time.UtcTicks - _baseTicks;
            if (ticks % TimeSpan.TicksPerSecond != 0 || ticks / TimeSpan.TicksPerSecond > int.MaxValue)
            {
                return false;
            }

            var held = new HeldReading((int)(ticks / TimeSpan.TicksPerSecond), reading.Quantity.Code, reading.Quality, reading.Value);
            var at = Find(held.Second, held.Quantity);
            if (at >= 0)
            {
                _readings[at] = held;
            }
            else
            {
                _readings.Insert(~at, held);
            }
        }

        foreach (var meterEvent in events)
        {
            if (meterEvent.OccurredAt < Start || meterEvent.OccurredAt >= End)
            {
                continue;
            }

            var at = FindEvent(meterEvent.OccurredAt, meterEvent.Code);
            if (at >= 0)
            {
                _eventBytes += EventBytes(meterEvent) - EventBytes(_events[at]);
                _events[at] = meterEvent;
            }
            else
            {
                _events.Insert(~at, meterEvent);
                _eventBytes += EventBytes(meterEvent);
            }
        }

        Lost = null;
        return true;
    }

    /// <summary>Forgets what is before <paramref name="start"/> (the window then starts there).</summary>
    public void TrimBefore(DateTimeOffset start)
    {
        if (start <= Start)
        {
            return;
        }

        Start = start;
        var readings = 0;
        while (readings < _readings.Count && _baseTicks + (_readings[readings].Second * TimeSpan.TicksPerSecond) < start.UtcTicks)
        {
            readings++;
        }

        _readings.RemoveRange(0, readings);
        var events = 0;
        while (events < _events.Count && _events[events].OccurredAt < start)
        {
            _eventBytes -= EventBytes(_events[events]);
            events++;
        }

        _events.RemoveRange(0, events);
        if (_readings.Capacity > 64 && _readings.Count < _readings.Capacity / 4)
        {
            _readings.Capacity = _readings.Count * 2;
        }
    }

    /// <summary>The readings in [from, to), ascending by time then quantity, at most <paramref name="max"/> (as the store's read).</summary>
    public List<IntervalReading> Readings(DateTimeOffset from, DateTimeOffset to, int max)
    {
        var result = new List<IntervalReading>();
        var first = LowerBound(from);
        for (var i = first; i < _readings.Count && result.Count < max; i++)
        {
            var held = _readings[i];
            var time = new DateTimeOffset(_baseTicks + (held.Second * TimeSpan.TicksPerSecond), TimeSpan.Zero);
            if (time >= to)
            {
                break;
            }

            result.Add(new IntervalReading(Meter, time, new Quantity(held.Quantity), held.Value, held.Quality));
        }

        return result;
    }

    /// <summary>The events in [from, to), newest first then by code, at most <paramref name="max"/> (as the store's read).</summary>
    public List<MeterEvent> Events(DateTimeOffset from, DateTimeOffset to, int max)
    {
        var result = new List<MeterEvent>();
        for (var i = _events.Count - 1; i >= 0 && result.Count < max; i--)
        {
            var meterEvent = _events[i];
            if (meterEvent.OccurredAt >= to)
            {
                continue;
            }

            if (meterEvent.OccurredAt < from)
            {
                break;
            }

            result.Add(meterEvent);
        }

        return result;
    }

    /// <summary>A time as the store keeps it: whole microseconds, UTC.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        var (_, r) = Math.DivRem(ticks - EpochTicks, TicksPerMicrosecond);
        return new DateTimeOffset(ticks - (r < 0 ? r + TicksPerMicrosecond : r), TimeSpan.Zero);
    }

    private static long EventBytes(MeterEvent meterEvent) => 96 + (meterEvent.Values.Count * 16);

    private int Find(int second, short quantity)
    {
        // Most readings come in time order: try the end first.
        var count = _readings.Count;
        if (count == 0 || _readings[count - 1].CompareKey(second, quantity) < 0)
        {
            return ~count;
        }

        int low = 0, high = count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var c = _readings[mid].CompareKey(second, quantity);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }

    private int LowerBound(DateTimeOffset from)
    {
        var ticks = from.UtcTicks - _baseTicks;
        if (ticks <= 0)
        {
            return 0;
        }

        // The first whole second at or after from.
        var second = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        if (second > int.MaxValue)
        {
            return _readings.Count;
        }

        var at = Find((int)second, short.MinValue);
        return at >= 0 ? at : ~at;
    }

    private int FindEvent(DateTimeOffset occurredAt, int code)
    {
        int low = 0, high = _events.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var e = _events[mid];
            var c = e.OccurredAt != occurredAt ? e.OccurredAt.CompareTo(occurredAt) : code.CompareTo(e.Code);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
