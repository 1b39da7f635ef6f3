using System.Collections.Concurrent;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The highest push invocation counter committed for each meter, in memory: a frame whose counter is not above its
/// meter's mark is a replay or stale and is refused before any cryptography. Loaded at start from the reading store
/// (which stores each batch's highest counters in the same transaction as its data) and raised only after a commit,
/// so a frame that failed to store can still be resent. Thread-safe.
/// </summary>
public sealed class PushCounterMarks
{
    private readonly ConcurrentDictionary<MeterId, uint> _marks = new();

    public int Count => _marks.Count;

    public async Task LoadAsync(IReadingStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = await store.GetPushCountersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (meter, counter) in stored)
        {
            Raise(meter, counter);
        }
    }

    /// <summary>True when <paramref name="counter"/> is above the meter's mark (or the meter has none).</summary>
    public bool IsFresh(MeterId meter, uint counter) => !_marks.TryGetValue(meter, out var mark) || counter > mark;

    public uint? Get(MeterId meter) => _marks.TryGetValue(meter, out var mark) ? mark : null;

    /// <summary>Raises the meter's mark to <paramref name="counter"/>; a lower value changes nothing.</summary>
    public void Raise(MeterId meter, uint counter) =>
        _marks.AddOrUpdate(meter, counter, (_, mark) => Math.Max(mark, counter));

    /// <summary>Forgets a meter's mark: after its keys change, its counter starts again.</summary>
    public void Forget(MeterId meter) => _marks.TryRemove(meter, out _);
}
