namespace Meterline.Dlms.Security;

/// <summary>
/// Replay protection on the receiving side (Green Book 9.2.3.3.7.3): a message is accepted only when its invocation
/// counter is strictly greater than the last one accepted from the same sender (system title) for the same key.
/// Check with <see cref="IsFresh"/> before decrypting (cheap rejection of stale messages), and record with
/// <see cref="TryAccept"/> only after the authentication tag has verified, so forged messages cannot move the counter.
/// The state can be exported and imported for persistence; importing never moves a counter backwards.
/// Thread-safe.
/// </summary>
public sealed class InvocationCounterGuard
{
    private readonly Dictionary<(SystemTitle Sender, KeyId KeyId), uint> _lastAccepted = [];
    private readonly Lock _sync = new();
    private readonly IInvocationCounterJournal? _journal;
    private long _refused;

    public InvocationCounterGuard()
    {
    }

    /// <param name="journal">
    /// Records every newly accepted counter durably before <see cref="TryAccept"/> reports it accepted, so that a
    /// message replayed after a restart is still refused. When the journal cannot record, the message is refused.
    /// </param>
    public InvocationCounterGuard(IInvocationCounterJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
    }

    /// <summary>Number of (sender, key) pairs tracked.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _lastAccepted.Count;
            }
        }
    }

    /// <summary>Messages refused because the journal could not record their counter.</summary>
    public long JournalFailures { get; private set; }

    /// <summary>
    /// Counters <see cref="IsFresh"/> found not fresh: each is a message its caller refuses as a replay or as a stale
    /// counter (a sender that reused one).
    /// </summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// True when <paramref name="invocationCounter"/> would be accepted; records nothing (a stale counter is only
    /// counted in <see cref="Refused"/>).
    /// </summary>
    public bool IsFresh(SystemTitle sender, KeyId keyId, uint invocationCounter)
    {
        bool fresh;
        lock (_sync)
        {
            fresh = !_lastAccepted.TryGetValue((sender, keyId), out var last) || invocationCounter > last;
        }

        if (!fresh)
        {
            Interlocked.Increment(ref _refused);
        }

        return fresh;
    }

    /// <summary>Records <paramref name="invocationCounter"/> if it is fresh; false (nothing recorded) for a replay.</summary>
    public bool TryAccept(SystemTitle sender, KeyId keyId, uint invocationCounter)
    {
        lock (_sync)
        {
            if (_lastAccepted.TryGetValue((sender, keyId), out var last) && invocationCounter <= last)
            {
                return false;
            }

            if (_journal is not null && !_journal.TryRecord(new InvocationCounterRecord(sender, keyId, invocationCounter)))
            {
                JournalFailures++;
                return false;
            }

            _lastAccepted[(sender, keyId)] = invocationCounter;
            return true;
        }
    }

    /// <summary>Records <paramref name="invocationCounter"/>, or throws when it is not fresh.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.ReplayDetected"/>.</exception>
    public void Accept(SystemTitle sender, KeyId keyId, uint invocationCounter)
    {
        if (!TryAccept(sender, keyId, invocationCounter))
        {
            throw new DlmsSecurityException(
                DlmsErrorReason.ReplayDetected,
                $"Invocation counter {invocationCounter} from {sender} is not greater than the last one accepted");
        }
    }

    /// <summary>The last counter accepted from this sender for this key; false when none was.</summary>
    public bool TryGetLastAccepted(SystemTitle sender, KeyId keyId, out uint lastAccepted)
    {
        lock (_sync)
        {
            return _lastAccepted.TryGetValue((sender, keyId), out lastAccepted);
        }
    }

    /// <summary>
    /// Forgets the counter of this sender and key. Call it only when the key has been replaced: a new key's counters
    /// start again at 0, and messages under the old key no longer authenticate.
    /// </summary>
    public bool Forget(SystemTitle sender, KeyId keyId)
    {
        lock (_sync)
        {
            return _lastAccepted.Remove((sender, keyId));
        }
    }

    /// <summary>A snapshot of all counters, for the caller to persist.</summary>
    public IReadOnlyList<InvocationCounterRecord> Export()
    {
        lock (_sync)
        {
            return [.. _lastAccepted.Select(entry => new InvocationCounterRecord(entry.Key.Sender, entry.Key.KeyId, entry.Value))];
        }
    }

    /// <summary>Loads persisted counters; where a counter is already known the greater value is kept.</summary>
    public void Import(IEnumerable<InvocationCounterRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_sync)
        {
            foreach (var record in records)
            {
                var key = (record.Sender, record.KeyId);
                if (!_lastAccepted.TryGetValue(key, out var last) || record.LastAccepted > last)
                {
                    _lastAccepted[key] = record.LastAccepted;
                }
            }
        }
    }
}
