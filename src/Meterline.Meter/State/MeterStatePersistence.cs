using Meterline.Dlms.Security;

namespace Meterline.Meter.State;

/// <summary>
/// One meter's view of its non-volatile memory: the current state in memory, written through to the store on every
/// change, and acting as the store of its sending counter and the journal of the counters and signed transaction-ids
/// it accepts — so that every counter is durable before it is used. When a write fails the change is not made (and the message or allocation
/// that needed it is refused). Thread-safe.
/// </summary>
public sealed class MeterStatePersistence : IInvocationCounterStore, IInvocationCounterJournal, ITransactionIdJournal
{
    private readonly IMeterStateStore _store;
    private readonly string _meterId;
    private readonly Lock _sync = new();
    private MeterState _state;

    public MeterStatePersistence(IMeterStateStore store, string meterId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(meterId);
        _store = store;
        _meterId = meterId;
        var saved = store.Load(meterId);
        IsNew = saved is null;
        _state = saved ?? new MeterState();
    }

    /// <summary>True when the store held nothing for this meter (a meter's first start).</summary>
    public bool IsNew { get; }

    public MeterState State
    {
        get
        {
            lock (_sync)
            {
                return _state;
            }
        }
    }

    /// <summary>Applies a change and saves it; false (nothing changed) when the save failed.</summary>
    public bool TryUpdate(Func<MeterState, MeterState> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_sync)
        {
            var next = change(_state);
            if (!_store.TrySave(_meterId, next))
            {
                return false;
            }

            _state = next;
            return true;
        }
    }

    public bool TryReserve(uint mark) => TryUpdate(s => s with { OutgoingCounterMark = Math.Max(mark, s.OutgoingCounterMark) });

    public bool TryRecord(InvocationCounterRecord record) => TryUpdate(s => s with
    {
        ClientCounters = [.. s.ClientCounters.Where(c => c.Sender != record.Sender || c.KeyId != record.KeyId), record],
    });

    public bool TryRecord(TransactionIdRecord record) => TryUpdate(s => s with
    {
        TransactionIds = [.. s.TransactionIds.Where(t => t.Originator != record.Originator), record],
    });
}
