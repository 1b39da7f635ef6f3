using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Counters;

/// <summary>
/// Hands out the head-end's outgoing invocation counter values per (meter, key generation) from blocks reserved
/// through <see cref="ICounterStore.ReserveAsync"/>: a reservation is durable before any of its values is used, so a
/// crash skips the rest of a block and never reuses a value. Thread-safe; concurrent refills of one pair each reserve
/// their own block (values stay unique). At most <see cref="OutgoingCounterOptions.MaxCachedBlocks"/> blocks are held.
/// <para>
/// Exhaustion alarm: the one reservation that moves a pair's high-water mark from below
/// <see cref="OutgoingCounterOptions.AlarmThreshold"/> to at or above it appends the audit entry
/// <c>counter.near-exhaustion</c> (subject: the meter id) and raises <see cref="NearExhaustion"/> — once per meter and
/// generation, because the store's mark only rises. If the audit append fails, the alarm stays pending in memory and
/// is raised again before the pair's next value is handed out. The remedy is a key rotation (a new generation starts
/// a fresh counter).
/// </para>
/// </summary>
public sealed class OutgoingCounterAllocator
{
    public const string NearExhaustionAction = "counter.near-exhaustion";

    private readonly ICounterStore _store;
    private readonly IAuditLog _audit;
    private readonly OutgoingCounterOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<(MeterId Meter, int Generation), (uint Next, ulong End)> _blocks = [];
    private readonly Dictionary<(MeterId Meter, int Generation), uint> _pendingAlarms = [];

    public OutgoingCounterAllocator(ICounterStore store, IAuditLog audit, OutgoingCounterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        options ??= new OutgoingCounterOptions();
        options.Validate();
        _store = store;
        _audit = audit;
        _options = options;
    }

    /// <summary>Raised once per meter and generation when its mark passes the alarm threshold (after the audit entry).</summary>
    public event EventHandler<CounterNearExhaustionEventArgs>? NearExhaustion;

    /// <summary>How many (meter, generation) blocks are held in memory.</summary>
    public int CachedBlocks
    {
        get
        {
            lock (_lock)
            {
                return _blocks.Count;
            }
        }
    }

    /// <summary>The next value for (meter, generation); reserves a new block first when the current one is used up.</summary>
    /// <exception cref="CounterExhaustedException">No block is left: rotate the meter's keys.</exception>
    public async Task<uint> NextAsync(MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        var pair = (meter, generation);
        await RaisePendingAlarmAsync(pair, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_blocks.TryGetValue(pair, out var block) && block.Next < block.End)
            {
                _blocks[pair] = (block.Next + 1, block.End);
                return block.Next;
            }
        }

        var first = await ReserveAsync(pair, _options.BlockSize, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            // Keep a block another caller installed meanwhile; the rest of ours is skipped, never reused.
            if (!_blocks.TryGetValue(pair, out var block) || block.Next >= block.End)
            {
                if (!_blocks.ContainsKey(pair) && _blocks.Count >= _options.MaxCachedBlocks)
                {
                    _blocks.Remove(_blocks.Keys.First());
                }

                _blocks[pair] = (first + 1u, (ulong)first + _options.BlockSize);
            }
        }

        return first;
    }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive values for one user (e.g. one DLMS session of the adapter), durably,
    /// apart from the blocks <see cref="NextAsync"/> hands out from.
    /// </summary>
    /// <exception cref="CounterExhaustedException">No block of that size is left: rotate the meter's keys.</exception>
    public async Task<CounterBlock> ReserveBlockAsync(MeterId meter, int generation, uint count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        ArgumentOutOfRangeException.ThrowIfZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1_000_000u);
        var pair = (meter, generation);
        await RaisePendingAlarmAsync(pair, cancellationToken).ConfigureAwait(false);
        var first = await ReserveAsync(pair, count, cancellationToken).ConfigureAwait(false);
        return new CounterBlock(first, count);
    }

    /// <summary>Every (meter, generation) whose stored mark is at or above the alarm threshold (for dashboards and start-up checks; raises nothing).</summary>
    public async Task<IReadOnlyList<CounterNearExhaustionEventArgs>> FindNearExhaustionAsync(CancellationToken cancellationToken = default)
    {
        var marks = await _store.GetHighWaterMarksAsync(cancellationToken).ConfigureAwait(false);
        return marks.Where(m => m.Value >= _options.AlarmThreshold)
            .OrderBy(m => m.Key.Meter).ThenBy(m => m.Key.Generation)
            .Select(m => new CounterNearExhaustionEventArgs(m.Key.Meter, m.Key.Generation, m.Value, _options.AlarmThreshold))
            .ToList();
    }

    private async Task<uint> ReserveAsync((MeterId Meter, int Generation) pair, uint count, CancellationToken cancellationToken)
    {
        uint first;
        try
        {
            first = await _store.ReserveAsync(pair.Meter, pair.Generation, count, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new CounterExhaustedException($"The outgoing invocation counter of meter {pair.Meter}, generation {pair.Generation} has no block of {count} values left: rotate its keys.", e);
        }

        var mark = (ulong)first + count;
        if (first < _options.AlarmThreshold && mark >= _options.AlarmThreshold)
        {
            lock (_lock)
            {
                if (_pendingAlarms.Count < _options.MaxCachedBlocks)
                {
                    _pendingAlarms[pair] = (uint)mark;
                }
            }

            await RaisePendingAlarmAsync(pair, cancellationToken).ConfigureAwait(false);
        }

        return first;
    }

    private async Task RaisePendingAlarmAsync((MeterId Meter, int Generation) pair, CancellationToken cancellationToken)
    {
        uint mark;
        lock (_lock)
        {
            if (_pendingAlarms.Count == 0 || !_pendingAlarms.Remove(pair, out mark))
            {
                return;
            }
        }

        var detail = new AuditDetail()
            .Add("meter", pair.Meter.Value)
            .Add("generation", pair.Generation)
            .Add("highWaterMark", mark)
            .Add("threshold", _options.AlarmThreshold)
            .Add("remaining", uint.MaxValue - mark)
            .ToString();
        try
        {
            await _audit.AppendAsync(_options.Actor, NearExhaustionAction, pair.Meter.ToString(), detail, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                _pendingAlarms.TryAdd(pair, mark);
            }

            throw;
        }

        NearExhaustion?.Invoke(this, new CounterNearExhaustionEventArgs(pair.Meter, pair.Generation, mark, _options.AlarmThreshold));
    }
}
