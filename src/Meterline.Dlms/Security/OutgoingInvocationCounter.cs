namespace Meterline.Dlms.Security;

/// <summary>
/// The invocation counter of a sender for one key (Green Book 9.2.3.3.7.3): it hands out strictly increasing values
/// and never wraps, because a repeated IV under the same key breaks AES-GCM. Values 0 to uint.MaxValue − 1 are
/// handed out; when the next value would be uint.MaxValue the counter is exhausted and the key must be renewed.
/// <see cref="NearExhaustion"/> is raised once, and <see cref="IsNearExhaustion"/> set, when no more than the warning
/// margin remains. Persist <see cref="Next"/> before using a value so that a restart never repeats one — or give the
/// counter an <see cref="IInvocationCounterStore"/>, which it asks to record a high-water mark a block of values
/// ahead before it hands out any value at or above the last mark (one durable write per block; after a crash the
/// counter restarts from the recorded mark, skipping at most one block). Thread-safe.
/// </summary>
public sealed class OutgoingInvocationCounter
{
    /// <summary>Default warning margin: about one million messages.</summary>
    public const uint DefaultWarningMargin = 1u << 20;

    private readonly Lock _sync = new();
    private readonly uint _warningMargin;
    private readonly IInvocationCounterStore? _store;
    private readonly uint _reservationBlock;
    private uint _next;
    private uint _reserved;
    private bool _warned;

    /// <param name="next">The next value to hand out (0 for a new key, else the persisted <see cref="Next"/>).</param>
    /// <param name="warningMargin">How many values may remain when <see cref="NearExhaustion"/> is raised.</param>
    public OutgoingInvocationCounter(uint next = 0, uint warningMargin = DefaultWarningMargin)
    {
        _next = next;
        _warningMargin = warningMargin;
    }

    /// <param name="next">The next value to hand out: the mark the store recorded last (0 for a new key).</param>
    /// <param name="store">Records high-water marks durably before values below them are handed out.</param>
    /// <param name="reservationBlock">How many values each recorded mark covers.</param>
    /// <param name="warningMargin">How many values may remain when <see cref="NearExhaustion"/> is raised.</param>
    public OutgoingInvocationCounter(uint next, IInvocationCounterStore store, uint reservationBlock = DefaultReservationBlock, uint warningMargin = DefaultWarningMargin)
        : this(next, warningMargin)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfZero(reservationBlock);
        _store = store;
        _reservationBlock = reservationBlock;
        _reserved = next;
    }

    /// <summary>Default number of values one recorded high-water mark covers.</summary>
    public const uint DefaultReservationBlock = 1000;

    /// <summary>The highest mark recorded through the store (values below it may be handed out without a write).</summary>
    public uint Reserved
    {
        get
        {
            lock (_sync)
            {
                return _store is null ? _next : _reserved;
            }
        }
    }

    /// <summary>Raised once, after the allocation that leaves no more than the warning margin.</summary>
    public event EventHandler? NearExhaustion;

    /// <summary>The value the next allocation hands out (uint.MaxValue when exhausted); persist this.</summary>
    public uint Next
    {
        get
        {
            lock (_sync)
            {
                return _next;
            }
        }
    }

    /// <summary>How many values are left.</summary>
    public uint Remaining
    {
        get
        {
            lock (_sync)
            {
                return uint.MaxValue - _next;
            }
        }
    }

    /// <summary>True when no value is left: the key must be renewed.</summary>
    public bool IsExhausted => Remaining == 0;

    /// <summary>True when no more than the warning margin is left.</summary>
    public bool IsNearExhaustion => Remaining <= _warningMargin;

    /// <summary>Hands out the next value; false when the counter is exhausted.</summary>
    public bool TryAllocate(out uint invocationCounter)
    {
        bool raise;
        lock (_sync)
        {
            if (_next == uint.MaxValue)
            {
                invocationCounter = 0;
                return false;
            }

            if (_store is not null && _next >= _reserved)
            {
                var mark = (uint)Math.Min(uint.MaxValue, (ulong)_next + _reservationBlock);
                if (!_store.TryReserve(mark))
                {
                    invocationCounter = 0;
                    ReservationFailures++;
                    return false;
                }

                _reserved = mark;
            }

            invocationCounter = _next++;
            raise = !_warned && uint.MaxValue - _next <= _warningMargin;
            _warned |= raise;
        }

        if (raise)
        {
            NearExhaustion?.Invoke(this, EventArgs.Empty);
        }

        return true;
    }

    /// <summary>How many allocations failed because the store could not record a mark.</summary>
    public long ReservationFailures { get; private set; }

    /// <summary>Hands out the next value.</summary>
    /// <exception cref="DlmsSecurityException">
    /// The counter is exhausted (<see cref="DlmsErrorReason.InvocationCounterExhausted"/>), or the store could not
    /// record a mark (<see cref="DlmsErrorReason.InvocationCounterUnavailable"/>).
    /// </exception>
    public uint Allocate()
    {
        if (!TryAllocate(out var invocationCounter))
        {
            throw IsExhausted
                ? new DlmsSecurityException(DlmsErrorReason.InvocationCounterExhausted, "The invocation counter is exhausted; the key must be renewed")
                : new DlmsSecurityException(DlmsErrorReason.InvocationCounterUnavailable, "The invocation counter could not be reserved durably");
        }

        return invocationCounter;
    }
}
