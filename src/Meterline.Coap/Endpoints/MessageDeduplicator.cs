using System.Net;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// Remembers the message ids received from each peer (RFC 7252 §4.5): a Confirmable id for EXCHANGE_LIFETIME, a
/// Non-confirmable one for NON_LIFETIME, with the reply sent for it, so that a duplicate Confirmable message gets the
/// same reply again and a duplicate is never handled twice. At most <see cref="Capacity"/> ids; when full, the oldest
/// answered id is forgotten early (counted in <see cref="Evicted"/>); when the oldest is still being handled, new
/// messages are refused (the sender retransmits). No I/O; time in <see cref="TimeProvider"/>
/// timestamps. Thread-safe.
/// </summary>
public sealed class MessageDeduplicator
{
    private readonly Dictionary<(IPEndPoint Peer, ushort MessageId), Entry> _entries = [];
    private readonly Queue<(IPEndPoint Peer, ushort MessageId, long ExpiresAt)> _expiry = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _exchangeLifetime;
    private readonly long _nonLifetime;
    private long _evicted;

    public MessageDeduplicator(int capacity, TimeSpan exchangeLifetime, TimeSpan nonLifetime, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        Capacity = capacity;
        _time = time;
        _exchangeLifetime = (long)(exchangeLifetime.TotalSeconds * time.TimestampFrequency);
        _nonLifetime = (long)(nonLifetime.TotalSeconds * time.TimestampFrequency);
    }

    public int Capacity { get; }

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

    /// <summary>
    /// Registers a received message id. <see cref="DeduplicationResult.New"/>: handle it;
    /// <see cref="DeduplicationResult.Duplicate"/>: do not, resend <paramref name="reply"/> if there is one (null while
    /// the first copy is still being handled); <see cref="DeduplicationResult.Full"/>: drop it.
    /// </summary>
    public DeduplicationResult Register(IPEndPoint peer, ushort messageId, bool confirmable, out byte[]? reply)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            Sweep(now);
            if (_entries.TryGetValue((peer, messageId), out var entry) && entry.ExpiresAt > now)
            {
                reply = entry.Reply;
                return DeduplicationResult.Duplicate;
            }

            reply = null;
            if (_entries.Count >= Capacity && entry is null && !EvictOldest())
            {
                return DeduplicationResult.Full;
            }

            var expiresAt = now + (confirmable ? _exchangeLifetime : _nonLifetime);
            _entries[(peer, messageId)] = new Entry(expiresAt);
            _expiry.Enqueue((peer, messageId, expiresAt));
            return DeduplicationResult.New;
        }
    }

    /// <summary>Keeps the reply sent for a message id, to send again for its duplicates.</summary>
    public void SetReply(IPEndPoint peer, ushort messageId, byte[] reply)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_lock)
        {
            if (_entries.TryGetValue((peer, messageId), out var entry))
            {
                entry.Reply = reply;
            }
        }
    }

    /// <summary>Message ids forgotten before their lifetime because the table was full (a duplicate of one would be handled again).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    private bool EvictOldest()
    {
        while (_expiry.TryDequeue(out var head))
        {
            if (_entries.TryGetValue((head.Peer, head.MessageId), out var entry) && entry.ExpiresAt == head.ExpiresAt && entry.Reply is not null)
            {
                // Only answered ids go: one still being handled must stay, or its duplicate would be handled twice at once.
                _entries.Remove((head.Peer, head.MessageId));
                _evicted++;
                return true;
            }

            if (entry is not null && entry.ExpiresAt == head.ExpiresAt)
            {
                _expiry.Enqueue(head);
                return false;
            }
        }

        return false;
    }

    private void Sweep(long now)
    {
        while (_expiry.TryPeek(out var head) && head.ExpiresAt <= now)
        {
            _expiry.Dequeue();
            if (_entries.TryGetValue((head.Peer, head.MessageId), out var entry) && entry.ExpiresAt == head.ExpiresAt)
            {
                _entries.Remove((head.Peer, head.MessageId));
            }
        }
    }

    private sealed class Entry(long expiresAt)
    {
        public long ExpiresAt { get; } = expiresAt;

        public byte[]? Reply { get; set; }
    }
}
