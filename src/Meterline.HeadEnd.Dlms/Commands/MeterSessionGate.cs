using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// One DLMS session per meter at a time. Every session ciphers with counters from its own reserved block, and a meter
/// accepts a counter only above the last one it accepted from the head-end's system title: a session opened while
/// another was still talking would reserve a higher block, and the older session's next request would be refused as
/// a replay. So a second user of a meter (back-fill while the dispatcher runs a command) waits for the first session
/// to end. An entry exists only while a session holds it or callers wait, so the table is bounded by the sessions in
/// progress. Thread-safe.
/// </summary>
internal sealed class MeterSessionGate
{
    private readonly Dictionary<MeterId, Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Meters with a session open or awaited now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Waits until no other session with <paramref name="meter"/> is open; dispose the lease when the session ends.</summary>
    public async Task<IDisposable> EnterAsync(MeterId meter, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(meter, out entry!))
            {
                entry = new Entry();
                _entries.Add(meter, entry);
            }

            entry.Users++;
        }

        try
        {
            await entry.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(meter, entry, held: false);
            throw;
        }

        return new Lease(this, meter, entry);
    }

    private void Leave(MeterId meter, Entry entry, bool held)
    {
        lock (_lock)
        {
            if (held)
            {
                entry.Turn.Release();
            }

            if (--entry.Users == 0)
            {
                _entries.Remove(meter);
                entry.Turn.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        /// <summary>The holder and the waiters; the entry goes when it falls to 0.</summary>
        public int Users { get; set; }
    }

    private sealed class Lease(MeterSessionGate gate, MeterId meter, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Leave(meter, entry, held: true);
            }
        }
    }
}
