namespace Meterline.Dlms.Security;

/// <summary>
/// Replay protection of the general-signing layer (Green Book 9.2.7.2.5): a signed request is accepted only when its
/// transaction-id, read as an unsigned big-endian integer of 1 to <see cref="MaxLength"/> octets, is strictly greater
/// than the last one accepted from the same originator. An empty or longer transaction-id is never fresh. As with
/// <see cref="InvocationCounterGuard"/>, check with <see cref="IsFresh"/> before the signature is trusted and record
/// with <see cref="TryAccept"/> only after every layer of the request has verified, so a forged request cannot move
/// the mark. Thread-safe.
/// </summary>
public sealed class TransactionIdGuard
{
    /// <summary>The longest transaction-id compared (a 64-bit integer).</summary>
    public const int MaxLength = 8;

    private readonly Dictionary<SystemTitle, ulong> _lastAccepted = [];
    private readonly Lock _sync = new();
    private readonly ITransactionIdJournal? _journal;

    public TransactionIdGuard()
    {
    }

    /// <param name="journal">
    /// Records every newly accepted transaction-id durably before <see cref="TryAccept"/> reports it accepted, so a
    /// signed request replayed after a restart is still refused. When the journal cannot record, the request is refused.
    /// </param>
    public TransactionIdGuard(ITransactionIdJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
    }

    /// <summary>Requests refused because the journal could not record their transaction-id.</summary>
    public long JournalFailures { get; private set; }

    /// <summary>The value of a transaction-id of 1 to <see cref="MaxLength"/> octets; false for any other length.</summary>
    public static bool TryRead(ReadOnlySpan<byte> transactionId, out ulong value)
    {
        value = 0;
        if (transactionId.IsEmpty || transactionId.Length > MaxLength)
        {
            return false;
        }

        foreach (var b in transactionId)
        {
            value = (value << 8) | b;
        }

        return true;
    }

    /// <summary>True when <paramref name="transactionId"/> would be accepted from <paramref name="originator"/>; changes nothing.</summary>
    public bool IsFresh(SystemTitle originator, ReadOnlySpan<byte> transactionId)
    {
        if (!TryRead(transactionId, out var value))
        {
            return false;
        }

        lock (_sync)
        {
            return !_lastAccepted.TryGetValue(originator, out var last) || value > last;
        }
    }

    /// <summary>Records <paramref name="transactionId"/> if it is fresh; false (nothing recorded) for a replay or a bad length.</summary>
    public bool TryAccept(SystemTitle originator, ReadOnlySpan<byte> transactionId)
    {
        if (!TryRead(transactionId, out var value))
        {
            return false;
        }

        lock (_sync)
        {
            if (_lastAccepted.TryGetValue(originator, out var last) && value <= last)
            {
                return false;
            }

            if (_journal is not null && !_journal.TryRecord(new TransactionIdRecord(originator, value)))
            {
                JournalFailures++;
                return false;
            }

            _lastAccepted[originator] = value;
            return true;
        }
    }

    /// <summary>The last transaction-id accepted from this originator; false when none was.</summary>
    public bool TryGetLastAccepted(SystemTitle originator, out ulong lastAccepted)
    {
        lock (_sync)
        {
            return _lastAccepted.TryGetValue(originator, out lastAccepted);
        }
    }

    /// <summary>
    /// Forgets every originator. Call it only when the key that verifies their signatures has been replaced: requests
    /// signed under the old key no longer verify, and the new key's signer may number its transactions afresh.
    /// </summary>
    public void Clear()
    {
        lock (_sync)
        {
            _lastAccepted.Clear();
        }
    }

    /// <summary>A snapshot of every mark, for the caller to persist.</summary>
    public IReadOnlyList<TransactionIdRecord> Export()
    {
        lock (_sync)
        {
            return [.. _lastAccepted.Select(entry => new TransactionIdRecord(entry.Key, entry.Value))];
        }
    }

    /// <summary>Loads persisted marks; where a mark is already known the greater value is kept.</summary>
    public void Import(IEnumerable<TransactionIdRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_sync)
        {
            foreach (var record in records)
            {
                if (!_lastAccepted.TryGetValue(record.Originator, out var last) || record.LastAccepted > last)
                {
                    _lastAccepted[record.Originator] = record.LastAccepted;
                }
            }
        }
    }
}
